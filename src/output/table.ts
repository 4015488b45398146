/**
 * A plain text table for a terminal: a header row, columns padded to their widest cell, two
 * spaces apart. Lists become comma-separated; nothing is cut, so no name is ever shown halved.
 */
export function formatTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));
  const cells = [columns.map(String), ...rows.map((r) => r.map(text))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // The last column is not padded, so lines carry no trailing spaces.
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
