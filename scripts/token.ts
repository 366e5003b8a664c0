// `npm run token -- technician tech-lon-01` or `npm run token -- operations ops-demo`: a local access token.
import { localSigner } from './local/auth.js';
import { localDataDir } from './local/stack.js';

const [role, subject] = process.argv.slice(2);
const groups = { technician: ['technicians'], operations: ['operations'] }[role ?? ''];
if (!groups || !subject) {
  console.error('usage: npm run token -- technician <technician-id> | operations <user-id>');
  process.exit(2);
}
const signer = await localSigner(process.env.LOCAL_DATA_DIR ?? localDataDir);
console.log(await signer.mint(subject, groups));
