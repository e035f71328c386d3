export interface Row {
  measure: string;
  value: string;
  detail: string;
  target: string;
  /** Whether the target is met; undefined where there is none. */
  pass: boolean | undefined;
}

/** The results as a Markdown table, so the same text goes into the terminal and the docs. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['measure', 'result', 'detail', 'target', ''];
  const body = rows.map((r) => [
    r.measure,
    r.value,
    r.detail,
    r.target,
    r.pass === undefined ? '' : r.pass ? 'met' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function printTable(rows: readonly Row[]): void {
  console.log(formatTable(rows));
}
