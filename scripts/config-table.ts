// Prints docs/configuration.md's configuration table from every concern (scripts/config.ts gathers them from
// shared/config/ and the features' own; tests/unit/config.test.ts checks they agree).
import { settings } from './config.js';

console.log('| Variable | Default | Meaning |\n| --- | --- | --- |');
for (const s of settings)
  console.log(`| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description} |`);
