// The export itself, for the CLI and the REST API alike: processed data only (never raw traces),
// in JSON (one document with everything) or CSV / Parquet (one table per stream), written to a
// Node stream row by row with its backpressure respected.
import type { ProcessedDatabase } from '../query/processed-database.ts';
import { createAnonymizer, IDENTITY, type IdMapper } from './anonymizer.ts';
import { csvHeader, csvLine } from './csv-format.ts';
import type { ExportRange } from './export-range.ts';
import type { TableName } from './export-tables.ts';
import { writeJsonDocument } from './json-format.ts';
import { OutputSink } from './output-sink.ts';
import { writeParquetTable } from './parquet-format.ts';
import { ProcessedRows } from './processed-rows.ts';
import { tableSource } from './table-source.ts';

export const EXPORT_FORMATS = ['json', 'csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** CSV and Parquet: the table to write (default sessions); JSON holds every table. */
  table?: TableName;
  range: ExportRange;
  anonymize: boolean;
  /**
   * The identifier mapping to use: several tables written as one export (a folder of files) share
   * one anonymizer so their ids still join. Default: a fresh one per call when anonymize is set.
   */
  ids?: IdMapper;
  /** Called as rows are written: rows done of the rows this export will write. */
  progress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  format: ExportFormat;
  /** The table written (CSV, Parquet); null for JSON, which holds them all. */
  table: TableName | null;
  range: ExportRange;
  anonymized: boolean;
  /** Rows written per table. */
  rows: Partial<Record<TableName, number>>;
  bytes: number;
}

/** CSV lines are handed to the stream in chunks of about this many characters. */
const CSV_CHUNK_CHARS = 64 * 1024;

export function idMapperFor(anonymize: boolean): IdMapper {
  return anonymize ? createAnonymizer() : IDENTITY;
}

export async function writeExport(db: ProcessedDatabase, options: ExportOptions, output: NodeJS.WritableStream): Promise<ExportSummary> {
  const ids = options.ids ?? idMapperFor(options.anonymize);
  const rows = new ProcessedRows(db, options.range);
  const sink = new OutputSink(output);
  const counts = rows.counts();
  let done = 0;
  const table = options.format === 'json' ? null : (options.table ?? 'sessions');
  const total = table === null ? counts.sessions + counts.insights : counts[table];
  const onRow = (): void => {
    done++;
    options.progress?.(done, total);
  };
  const summary: ExportSummary = { format: options.format, table, range: options.range, anonymized: ids.anonymized, rows: {}, bytes: 0 };
  if (table === null) {
    summary.rows = await writeJsonDocument(rows, options.range, ids, sink, onRow);
  } else if (options.format === 'csv') {
    const source = tableSource(rows, table);
    let chunk = csvHeader(source.columns);
    let written = 0;
    for (const row of source.rows()) {
      chunk += csvLine(source.columns, row, ids);
      written++;
      onRow();
      if (chunk.length >= CSV_CHUNK_CHARS) {
        await sink.write(chunk);
        chunk = '';
      }
    }
    await sink.write(chunk);
    summary.rows = { [table]: written };
  } else {
    summary.rows = { [table]: await writeParquetTable(tableSource(rows, table), ids, sink, onRow) };
  }
  summary.bytes = sink.bytes;
  return summary;
}
