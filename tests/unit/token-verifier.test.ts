import { describe, expect, it } from 'vitest';
import { localClientId, localIssuer, newSigner } from '../../scripts/local/auth.js';
import { makeTokenVerifier } from '#shared/http/auth.js';

describe('makeTokenVerifier', () => {
  it('accepts access tokens of the staff app and of the /ops/live page client, and no other client', async () => {
    const signer = await newSigner();
    const auth = {
      issuer: localIssuer,
      clientId: localClientId,
      opsPageClientId: 'ops-live-page',
      jwks: signer.publicJwks,
    };
    const verifier = makeTokenVerifier(auth);
    const token = (clientId: string) => signer.mint('ops-1', ['operations'], { clientId }).then((t) => `Bearer ${t}`);
    await expect(verifier.verify(await token(localClientId))).resolves.toEqual({
      subject: 'ops-1',
      groups: ['operations'],
    });
    await expect(verifier.verify(await token('ops-live-page'))).resolves.toEqual({
      subject: 'ops-1',
      groups: ['operations'],
    });
    await expect(verifier.verify(await token('someone-elses-app'))).rejects.toMatchObject({ kind: 'unauthorized' });
    // Without a page client configured (the secondary region, the local stage), only the staff app's tokens open the API.
    const appOnly = makeTokenVerifier({ ...auth, opsPageClientId: undefined });
    await expect(appOnly.verify(await token('ops-live-page'))).rejects.toMatchObject({ kind: 'unauthorized' });
    await expect(appOnly.verify(await token(localClientId))).resolves.toMatchObject({ subject: 'ops-1' });
  });
});
