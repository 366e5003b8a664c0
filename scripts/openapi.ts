// `npm run openapi -- <file>`: writes the OpenAPI document the API serves, for linters and client generators.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '#functions/platform/api-document.js';

const target = process.argv[2];
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
if (target) writeFileSync(target, text);
else process.stdout.write(text);
