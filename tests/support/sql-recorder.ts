// Integration lane setup file: with TYREHERO_SQL_CATALOGUE set to a folder (scripts/sql-catalogue.ts sets it), every
// statement the production code sends (an adapter or a function, not a test's own assertions) is appended there, so a
// release's SQL can be kept and checked against the next release's schema (tests/integration/previous-release-sql.test.ts).
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const folder = process.env.TYREHERO_SQL_CATALOGUE;
const patched = Symbol.for('tyrehero.sql-recorder');
// pg is loaded once per worker, and this file runs before every test file in it: patch once.
if (folder && !(patched in pg.Pool.prototype)) {
  Object.defineProperty(pg.Pool.prototype, patched, { value: true });
  const file = path.join(folder, `${process.pid}.jsonl`);
  // Pool.query hands the statement to a client only once one is free, past the adapter's frame: record both.
  for (const target of [pg.Pool.prototype, pg.Client.prototype] as Array<{ query: (...args: unknown[]) => unknown }>) {
    const query = target.query;
    target.query = function recorded(this: unknown, ...args: unknown[]) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
      if (typeof text === 'string' && /[\\/](shared|functions)[\\/]/.test(new Error().stack ?? ''))
        appendFileSync(file, `${JSON.stringify(text)}\n`);
      return query.apply(this, args);
    };
  }
}
