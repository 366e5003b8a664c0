// `npm run sql:catalogue`: runs the integration lane recording every SQL statement the production code sends, and keeps
// the distinct data statements as this release's SQL (tests/fixtures/previous-release/sql-statements.json). Run it when
// a release is tagged; the next release's migrations are then checked against it (expand/contract: nothing the running
// release still uses may be dropped or renamed).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './local/engines.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'tyrehero-sql-'));
try {
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--project',
      'integration',
      // The check that reads the catalogue is not part of what it records.
      '--exclude',
      'tests/integration/previous-release-sql.test.ts',
    ],
    {
      cwd: projectRoot,
      env: { ...process.env, TYREHERO_SQL_CATALOGUE: folder, NO_COLOR: '1' },
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) throw new Error('the integration lane failed: no catalogue written');
  const statements = new Set<string>();
  for (const file of readdirSync(folder))
    for (const line of readFileSync(path.join(folder, file), 'utf8').split('\n').filter(Boolean)) {
      // Lines trimmed, newlines kept: a -- comment ends at its line.
      const text = (JSON.parse(line) as string)
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n');
      // Data statements only: schema changes, transactions, settings and locks are the migrations' and the driver's.
      if (/^(select|insert|update|delete|with)\b/i.test(text)) statements.add(text);
    }
  const release = execFileSync('git', ['describe', '--tags', '--always', '--dirty'], { cwd: projectRoot })
    .toString()
    .trim();
  const target = path.join(projectRoot, 'tests/fixtures/previous-release/sql-statements.json');
  writeFileSync(target, `${JSON.stringify({ release, statements: [...statements].sort() }, null, 2)}\n`);
  console.log(`${statements.size} statements of ${release} → ${path.relative(projectRoot, target)}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
