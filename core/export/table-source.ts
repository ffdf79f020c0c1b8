// One table of a tabular export: its columns and its rows, read row by row from the processed tables.
import type { ProcessedRows } from './processed-rows.ts';
import { CHANGE_COLUMNS, INSIGHT_COLUMNS, SESSION_COLUMNS, TURN_COLUMNS, type Column, type TableName } from './export-tables.ts';

export interface TableSource {
  name: TableName;
  columns: readonly Column<unknown>[];
  rows(): Iterable<unknown>;
}

export function tableSource(rows: ProcessedRows, name: TableName): TableSource {
  switch (name) {
    case 'sessions':
      return { name, columns: SESSION_COLUMNS as readonly Column<unknown>[], rows: () => rows.conversations() };
    case 'turns':
      return { name, columns: TURN_COLUMNS as readonly Column<unknown>[], rows: () => rows.turns() };
    case 'changes':
      return { name, columns: CHANGE_COLUMNS as readonly Column<unknown>[], rows: () => rows.changes() };
    case 'insights':
      return { name, columns: INSIGHT_COLUMNS as readonly Column<unknown>[], rows: () => rows.insights() };
  }
}
