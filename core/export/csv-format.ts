// CSV as RFC 4180 reads it: a header line, comma-separated cells, a cell quoted when it holds a
// comma, quote, CR or LF, quotes doubled; empty for null; booleans as true/false; lines end CRLF.
import type { Cell, Column } from './export-tables.ts';
import type { IdMapper } from './anonymizer.ts';

export function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(columns: readonly Column<unknown>[]): string {
  return `${columns.map((column) => csvCell(column.name)).join(',')}\r\n`;
}

export function csvLine(columns: readonly Column<unknown>[], row: unknown, ids: IdMapper): string {
  return `${columns.map((column) => csvCell(column.value(row, ids))).join(',')}\r\n`;
}
