/**
 * @module
 * A plain-text table printer (monospace, no colours, so the output can be pasted as is), and the
 * number formats the benchmark tables use.
 */

/** A column: its header and which side its cells align to. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** A row of cells, or `'-'` for a separator line. */
export type Row = readonly string[] | '-';

/** Renders `rows` under `columns` as lines of text, columns separated by two spaces. */
export function renderTable(columns: readonly Column[], rows: readonly Row[]): string {
  const widths = columns.map((c) => c.header.length);
  for (const row of rows) {
    if (row === '-') continue;
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (columns[i]?.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(columns.map((c) => c.header)), rule];
  for (const row of rows) out.push(row === '-' ? rule : line(row));
  return out.join('\n');
}

/** A number with thousands separators and `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Three significant digits at most, thousands separated: 1,234 / 123 / 12.3 / 1.23. */
export function formatRate(value: number): string {
  if (value >= 1000) return formatNumber(value, 0);
  if (value >= 100) return formatNumber(value, 0);
  if (value >= 10) return formatNumber(value, 1);
  return formatNumber(value, 2);
}

/** A ratio as `0.93x` / `12.4x` / `1,234x`. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 100) return `${formatNumber(value, 0)}x`;
  if (value >= 10) return `${formatNumber(value, 1)}x`;
  return `${formatNumber(value, 2)}x`;
}

/** A byte size in binary units: `1 KiB`, `64 KiB`, `256 MiB`, `1 GiB`, `1.5 MiB`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
