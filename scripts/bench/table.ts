// Markdown tables for the benchmark report: pipes escaped, numbers right-aligned.

export type Cell = string | number | null | undefined;

export function formatCell(value: Cell): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '—';
    // Thousands separators; two decimals at most, but three significant digits below 1 so 0.0048 is not shown as 0.
    if (Number.isInteger(value)) return value.toLocaleString('en-GB');
    return Math.abs(value) < 1 ? value.toLocaleString('en-GB', { maximumSignificantDigits: 3 }) : value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
  }
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A GitHub-flavoured markdown table; columns holding only numbers are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  for (const row of rows) if (row.length !== headers.length) throw new Error(`row has ${row.length} cells, table has ${headers.length} columns`);
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === undefined));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(headers.map((h) => formatCell(h))),
    line(numeric.map((isNumber) => (isNumber ? '---:' : '---'))),
    ...rows.map((row) => line(row.map(formatCell))),
  ].join('\n');
}
