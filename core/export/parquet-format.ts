// Parquet through hyparquet-writer (pure JavaScript, maintained, no native code): one file per
// table, typed columns (STRING as UTF8 byte arrays, INT64, DOUBLE, BOOLEAN, every one nullable),
// written a row group at a time straight to the output, so memory holds one group, not the table.
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { IdMapper } from './anonymizer.ts';
import type { Cell, ColumnType } from './export-tables.ts';
import type { OutputSink } from './output-sink.ts';
import type { TableSource } from './table-source.ts';
import { PRODUCT_VERSION } from '../version.ts';

/** Rows per row group. */
export const PARQUET_ROW_GROUP = 10_000;

type Schema = ConstructorParameters<typeof ParquetWriter>[0]['schema'];
type ColumnData = Parameters<ParquetWriter['write']>[0]['columnData'];

const PHYSICAL: Record<ColumnType, Schema[number]> = {
  STRING: { name: '', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  INT64: { name: '', type: 'INT64', repetition_type: 'OPTIONAL' },
  DOUBLE: { name: '', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
  BOOLEAN: { name: '', type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
};

/** Hands each flushed row group (and the footer) to the sink instead of growing one buffer. */
class SinkWriter extends ByteWriter {
  private readonly sink: OutputSink;

  constructor(sink: OutputSink) {
    super(1 << 16);
    this.sink = sink;
  }

  private drain(): Promise<void> {
    const chunk = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.sink.write(chunk);
  }

  flush(): Promise<void> {
    return this.drain();
  }

  override finish(): Promise<void> {
    return this.drain() as never;
  }
}

function cellFor(type: ColumnType, value: Cell): unknown {
  if (value === null) return null;
  if (type === 'INT64') return BigInt(Math.trunc(Number(value)));
  if (type === 'DOUBLE') return Number(value);
  if (type === 'BOOLEAN') return Boolean(value);
  return String(value);
}

/** Writes one table as a whole Parquet file to the sink; onRow is called after each row. */
export async function writeParquetTable(table: TableSource, ids: IdMapper, sink: OutputSink, onRow: () => void): Promise<number> {
  const { columns } = table;
  const schema: Schema = [{ name: 'root', num_children: columns.length }, ...columns.map((column) => ({ ...PHYSICAL[column.type], name: column.name }))];
  const writer = new ParquetWriter({ writer: new SinkWriter(sink), schema, createdBy: `blueplane ${PRODUCT_VERSION} (hyparquet-writer)` });
  let group: unknown[][] = columns.map(() => []);
  let inGroup = 0;
  let rows = 0;
  const writeGroup = async (): Promise<void> => {
    const columnData: ColumnData = columns.map((column, index) => ({ name: column.name, data: group[index]! as ColumnData[number]['data'] }));
    await writer.write({ columnData, rowGroupSize: inGroup });
    group = columns.map(() => []);
    inGroup = 0;
  };
  for (const row of table.rows()) {
    columns.forEach((column, index) => group[index]!.push(cellFor(column.type, column.value(row, ids))));
    inGroup++;
    rows++;
    onRow();
    if (inGroup >= PARQUET_ROW_GROUP) await writeGroup();
  }
  if (inGroup > 0) await writeGroup();
  await writer.finish();
  return rows;
}
