// The export module on a real telemetry.db: the numbers a user reads in the JSON, CSV and Parquet
// exports are the stored sessions' numbers; Parquet read back by an independent reader
// (parquet-wasm, the Rust parquet crate) gives the same rows; --since/--until choose sessions by
// activity time; --anonymize leaves none of the stored identifiers and keeps joins inside one
// export only; the file wrapper refuses to overwrite and to write into the data folder.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { ExportTargetError, exportToFiles } from '../../core/export/export-file.ts';
import { parseRange, WHOLE_RANGE } from '../../core/export/export-range.ts';
import { SESSION_COLUMNS } from '../../core/export/export-tables.ts';
import { writeExport, type ExportOptions } from '../../core/export/write-export.ts';
import { ProcessedDatabase } from '../../core/query/processed-database.ts';
import { processedHome, storedIdentifiers, type ProcessedHome } from './export-builders.ts';

class Collector extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** RFC 4180 as a spreadsheet reads it. */
function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), index++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), index++;
    } else field += char;
  }
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index]!])));
}

/** Rows of a Parquet file as parquet-wasm reads them (through Arrow), numbers as numbers. */
function readParquetRows(bytes: Uint8Array): Array<Record<string, unknown>> {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  return table.toArray().map((row) => Object.fromEntries(Object.entries(row.toJSON() as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])));
}

describe('export: processed data as JSON, CSV and Parquet', () => {
  let fixture: ProcessedHome;
  let db: ProcessedDatabase;
  let folder: string;

  async function exported(options: Partial<ExportOptions> & Pick<ExportOptions, 'format'>): Promise<Buffer> {
    const output = new Collector();
    await writeExport(db, { range: WHOLE_RANGE, anonymize: false, ...options }, output);
    return output.bytes();
  }

  before(() => {
    fixture = processedHome([
      { kind: 'claude', tag: 'alpha', updatedAt: '2026-03-01T10:00:00.000Z' },
      { kind: 'cursor', tag: 'bravo', updatedAt: '2026-03-02T10:00:00.000Z' },
      { kind: 'claude', tag: 'charlie', updatedAt: '2026-03-03T23:59:59.999Z' },
    ]);
    db = ProcessedDatabase.open(fixture.home);
  });
  after(() => {
    db.close();
    fixture.remove();
  });
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'blueplane-export-out-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('JSON: one document whose sessions carry the stored numbers, metrics, turns and changes, and the insights', async () => {
    const document = JSON.parse((await exported({ format: 'json' })).toString('utf8'));
    assert.deepEqual(Object.keys(document), ['exported_at', 'range', 'anonymized', 'sessions', 'insights']);
    assert.equal(document.anonymized, false);
    assert.deepEqual(document.range, { since: null, until: null });
    assert.equal(document.sessions.length, 3);
    for (const stored of fixture.sessions) {
      const session = document.sessions.find((candidate: { id: string }) => candidate.id === stored.conversation.id);
      assert.ok(session, stored.conversation.id);
      for (const key of ['interaction_count', 'tool_call_count', 'tool_error_count', 'acceptance_rate', 'total_lines_added', 'total_lines_removed', 'total_tokens', 'cost_usd'] as const) {
        assert.equal(session[key], stored.conversation[key], key);
      }
      assert.deepEqual(session.metrics, JSON.parse(JSON.stringify(stored.metrics)), 'the whole session_metrics JSON');
      assert.deepEqual(session.turns, JSON.parse(JSON.stringify(stored.turns)));
      assert.deepEqual(session.changes, JSON.parse(JSON.stringify(stored.changes)));
    }
    assert.equal(document.insights.length, 6, 'a session and a project insight per session');
    assert.deepEqual(document.insights[0].evidence, { errors: 1, calls: 2 });
  });

  it('CSV: the sessions table flattens the metrics, and its numbers are the stored ones', async () => {
    const rows = parseCsv((await exported({ format: 'csv' })).toString('utf8'));
    assert.equal(rows.length, 3);
    assert.deepEqual(Object.keys(rows[0]!), SESSION_COLUMNS.map((column) => column.name));
    const alpha = fixture.sessions[0]!;
    const row = rows.find((candidate) => candidate.id === alpha.conversation.id)!;
    assert.equal(Number(row.prompts), alpha.conversation.interaction_count);
    assert.equal(Number(row.tool_calls), alpha.conversation.tool_call_count);
    assert.equal(Number(row.tool_errors), alpha.conversation.tool_error_count);
    assert.equal(Number(row.acceptance_rate), alpha.conversation.acceptance_rate);
    assert.equal(Number(row.cost_usd), alpha.conversation.cost_usd);
    const metrics = alpha.metrics as unknown as { tokens: { total: { value: { input: number; output: number; cache_read: number; cache_write: number } } }; latency: { duration_ms: number } };
    assert.equal(Number(row.tokens_input), metrics.tokens.total.value.input);
    assert.equal(Number(row.tokens_cache_read), metrics.tokens.total.value.cache_read);
    assert.equal(Number(row.tokens_total), alpha.conversation.total_tokens);
    assert.equal(Number(row.duration_ms), metrics.latency.duration_ms);
    const cursor = rows.find((candidate) => candidate.platform === 'cursor')!;
    assert.equal(cursor.proposals, '0');
    assert.equal(cursor.acceptance_rate, '', 'unavailable is empty, never a made-up 0');

    const changes = parseCsv((await exported({ format: 'csv', table: 'changes' })).toString('utf8'));
    assert.equal(changes.length, fixture.sessions.reduce((sum, session) => sum + session.changes.length, 0));
    const insights = parseCsv((await exported({ format: 'csv', table: 'insights' })).toString('utf8'));
    assert.deepEqual(JSON.parse(insights[0]!.evidence!), { errors: 1, calls: 2 }, 'quoted JSON survives the CSV');
  });

  it('Parquet: written by hyparquet-writer, read back by parquet-wasm with the same rows as the CSV', async () => {
    for (const table of ['sessions', 'turns', 'changes', 'insights'] as const) {
      const parquet = readParquetRows(new Uint8Array(await exported({ format: 'parquet', table })));
      const csv = parseCsv((await exported({ format: 'csv', table })).toString('utf8'));
      assert.equal(parquet.length, csv.length, table);
      assert.ok(parquet.length > 0, table);
      parquet.forEach((row, index) => {
        for (const [name, text] of Object.entries(csv[index]!)) {
          const value = row[name];
          if (value === null || value === undefined) assert.equal(text, '', `${table}.${name}`);
          else assert.equal(String(value), text, `${table}.${name}`);
        }
      });
    }
    const [session] = readParquetRows(new Uint8Array(await exported({ format: 'parquet', range: parseRange('2026-03-01', '2026-03-02') })));
    assert.equal(session!.prompts, fixture.sessions[0]!.conversation.interaction_count);
    assert.equal(typeof session!.cost_usd, 'number');
  });

  it('--since is inclusive and --until exclusive, on the activity time (JSON and CSV tables alike)', async () => {
    const ids = async (since?: string, until?: string) => {
      const document = JSON.parse((await exported({ format: 'json', range: parseRange(since, until) })).toString('utf8'));
      return document.sessions.map((session: { session_id: string }) => session.session_id.split('-')[2]);
    };
    assert.deepEqual(await ids('2026-03-02'), ['bravo', 'charlie']);
    assert.deepEqual(await ids(undefined, '2026-03-02T10:00:00Z'), ['alpha'], 'until is exclusive');
    assert.deepEqual(await ids('2026-03-02T10:00:00Z', '2026-03-04'), ['bravo', 'charlie'], 'since is inclusive');
    assert.deepEqual(await ids('2026-03-03T12:00+02:00', '2026-03-04'), ['charlie'], 'a zone is honoured');
    assert.deepEqual(await ids('2027-01-01'), []);
    const turns = parseCsv((await exported({ format: 'csv', table: 'turns', range: parseRange('2026-03-02', '2026-03-03') })).toString('utf8'));
    assert.deepEqual([...new Set(turns.map((turn) => turn.conversation_id))], [fixture.sessions[1]!.conversation.id]);
    assert.throws(() => parseRange('yesterday', undefined), /--since 'yesterday' is not a date/);
    assert.throws(() => parseRange('2026-02-30', undefined), /not a real date/);
    assert.throws(() => parseRange('2026-03-02', '2026-03-01'), /must be before --until/);
  });

  it('--anonymize: no stored identifier anywhere, joins kept within one export, nothing shared between two', async () => {
    const stored = storedIdentifiers(fixture.file);
    assert.ok(stored.length > 20, 'the fixture has identifiers to hide');
    const first = (await exported({ format: 'json', anonymize: true })).toString('utf8');
    for (const value of stored) assert.ok(!first.includes(value), `${value} is in the anonymized export`);
    for (const tag of ['alpha', 'bravo', 'charlie']) assert.ok(!first.includes(tag), `${tag} leaked`);
    const document = JSON.parse(first);
    assert.equal(document.anonymized, true);
    for (const session of document.sessions) {
      for (const turn of session.turns) assert.equal(turn.conversation_id, session.id, 'turns join their session');
      const turnIds = new Set(session.turns.map((turn: { id: string }) => turn.id));
      for (const change of session.changes) {
        assert.equal(change.conversation_id, session.id);
        assert.ok(turnIds.has(change.turn_id), 'changes join their turn');
      }
      assert.equal(session.metrics.project_hash, session.project_hash, 'the metrics JSON uses the same mapping');
      assert.equal(session.metrics.session_id, session.session_id);
      const scoped = document.insights.filter((insight: { scope: string; scope_key: string }) => insight.scope === 'session' && insight.scope_key === `${session.platform}:${session.session_id}`);
      assert.equal(scoped.length, 1, 'session insights still name their session');
    }
    const second = JSON.parse((await exported({ format: 'json', anonymize: true })).toString('utf8'));
    const firstIds = new Set<string>(document.sessions.flatMap((session: { id: string; project_hash: string }) => [session.id, session.project_hash]));
    for (const session of second.sessions) {
      assert.ok(!firstIds.has(session.id) && !firstIds.has(session.project_hash), 'two exports cannot be linked');
    }
    assert.equal(document.sessions[0].interaction_count, second.sessions[0].interaction_count, 'the numbers stay');
  });

  it('files: a temporary file renamed into place (0600), a folder of one file per table sharing one mapping, no overwrite without --force, never inside the data folder', async () => {
    const target = join(folder, 'sessions.csv');
    const options: ExportOptions = { format: 'csv', range: WHOLE_RANGE, anonymize: false };
    const written = await exportToFiles(db, options, { path: target, cwd: folder, force: false, home: fixture.home });
    assert.equal(written.files[0]!.rows.sessions, 3);
    assert.equal(statSync(target).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(folder), ['sessions.csv'], 'no temporary file left');
    await assert.rejects(exportToFiles(db, options, { path: target, cwd: folder, force: false, home: fixture.home }), (error: Error) => error instanceof ExportTargetError && /already exists; choose another name or add --force/.test(error.message));
    writeFileSync(target, 'old');
    await exportToFiles(db, options, { path: 'sessions.csv', cwd: folder, force: true, home: fixture.home });
    assert.match(readFileSync(target, 'utf8'), /^id,session_id,/);
    await assert.rejects(exportToFiles(db, options, { path: join(fixture.home, 'out.csv'), cwd: folder, force: true, home: fixture.home }), /inside Blueplane's data folder/);
    await assert.rejects(exportToFiles(db, { ...options, format: 'json' }, { path: `${folder}/`, cwd: folder, force: false, home: fixture.home }), /a JSON export is one document/);

    const tables = await exportToFiles(db, { format: 'parquet', range: WHOLE_RANGE, anonymize: true }, { path: join(folder, 'tables/'), cwd: folder, force: false, home: fixture.home });
    assert.deepEqual(readdirSync(join(folder, 'tables')).sort(), ['changes.parquet', 'insights.parquet', 'sessions.parquet', 'turns.parquet']);
    assert.equal(tables.files.length, 4);
    const sessionIds = new Set(readParquetRows(readFileSync(join(folder, 'tables', 'sessions.parquet'))).map((row) => row.id));
    for (const turn of readParquetRows(readFileSync(join(folder, 'tables', 'turns.parquet')))) assert.ok(sessionIds.has(turn.conversation_id), 'the files of one export join');
    assert.ok(!existsSync(join(fixture.home, 'out.csv')));
  });
});
