// Prints docs/configuration.md's configuration table from shared/config.ts (tests/unit/config.test.ts checks they agree).
import { settings } from '#shared/config.js';

console.log('| Variable | Default | Meaning |\n| --- | --- | --- |');
for (const s of settings)
  console.log(`| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description} |`);
