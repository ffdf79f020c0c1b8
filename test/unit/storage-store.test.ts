import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { silentLog } from '../../core/log.ts';
import { encodeEvent } from '../../core/storage/event-codec.ts';
import { MIGRATIONS, SchemaTooNewError } from '../../core/storage/migrations.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { memoryLog } from '../support/memory-log.ts';
import { queryDatabase } from '../support/telemetry-db.ts';
import type { RawTraceRow, SessionMappingRow } from '../support/telemetry-db.ts';
import { fixtureEvents, syntheticEvents } from '../support/ingest-events.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('storage: telemetry store', () => {
  let folder: string;
  let file: string;
  let stores: TelemetryStore[];

  function open(): TelemetryStore {
    const store = TelemetryStore.open(file, silentLog);
    stores.push(store);
    return store;
  }

  function query<Row>(sql: string): Row[] {
    return queryDatabase<Row>(file, sql);
  }

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'blueplane-store-'));
    file = join(folder, DATABASE_FILE);
    stores = [];
  });
  afterEach(() => {
    for (const store of stores) store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('creates the schema once; opening it again applies nothing and the file passes integrity_check', () => {
    const log = memoryLog();
    TelemetryStore.open(file, log).close();
    assert.deepEqual(
      log.lines.filter((line) => line.event === 'schema_migrated').map((line) => line.fields.version),
      MIGRATIONS.map((migration) => migration.version),
    );
    const again = memoryLog();
    const store = TelemetryStore.open(file, again);
    stores.push(store);
    assert.equal(again.lines.filter((line) => line.event === 'schema_migrated').length, 0);
    assert.deepEqual(query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version').map((row) => row.version), [1, 2, 3, 4]);
    const tables = query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => row.name);
    assert.deepEqual(tables, ['code_changes', 'conversation_turns', 'conversations', 'insights', 'raw_traces', 'schema_migrations', 'session_mappings', 'session_metrics']);
    const rawIndexes = query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'raw_traces' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => row.name);
    assert.deepEqual(rawIndexes, ['idx_raw_date_hour', 'idx_raw_event_type', 'idx_raw_session_time'], 'the ingest path pays for these indexes only');
    assert.deepEqual(query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    const db = new Database(file);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer Blueplane rather than writing into it', () => {
    open().close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')").run();
    db.close();
    assert.throws(() => TelemetryStore.open(file, silentLog), (error: unknown) => error instanceof SchemaTooNewError && /schema version 99/.test(error.message));
  });

  it('stores a batch as rows with every column filled from the event, and reads each one back', () => {
    const store = open();
    const events = [...fixtureEvents(), ...syntheticEvents(300, 3)];
    const committed = store.insertBatch(events.map((event) => encodeEvent(event)));
    assert.equal(committed.length, events.length);
    assert.deepEqual(
      committed.map((row) => row.sequence),
      events.map((_, index) => index + 1),
    );
    const rows = query<RawTraceRow>('SELECT * FROM raw_traces ORDER BY sequence');
    assert.equal(rows.length, events.length);
    rows.forEach((row, index) => {
      const event = events[index]!;
      assert.equal(row.event_id, event.event_id);
      assert.equal(row.session_id, event.session_id);
      assert.equal(row.event_type, event.event_type);
      assert.equal(row.platform, event.platform);
      assert.equal(row.timestamp, event.timestamp);
      assert.equal(row.event_date, event.timestamp.slice(0, 10));
      assert.equal(row.event_hour, Number(event.timestamp.slice(11, 13)));
      assert.equal(row.workspace_hash, event.metadata.workspace_hash ?? null);
      assert.equal(row.project_hash, event.metadata.project_hash ?? null);
      assert.equal(row.model, event.metadata.model ?? null);
      assert.equal(row.tool_name, event.payload.tool ?? null);
      assert.equal(row.duration_ms, event.payload.duration_ms ?? null);
      assert.equal(row.lines_added, event.payload.lines_added ?? null);
      assert.equal(row.lines_removed, event.payload.lines_removed ?? null);
      assert.match(row.ingested_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(store.readEvent(row.sequence)?.event, event);
    });
    assert.equal(store.readEvent(events.length + 1), undefined);
    assert.equal(store.eventCount(), events.length);
  });

  it('ignores events it already has: only new rows come back, and they count once in their session', () => {
    const store = open();
    const events = syntheticEvents(120, 8);
    const first = store.insertBatch(events.slice(0, 80).map((event) => encodeEvent(event)));
    const second = store.insertBatch(events.map((event) => encodeEvent(event)));
    assert.equal(first.length, 80);
    assert.deepEqual(
      second.map((row) => row.event_id),
      events.slice(80).map((event) => event.event_id),
    );
    const again = store.insertBatch([...events, events[0]!].map((event) => encodeEvent(event)));
    assert.deepEqual(again, []);
    assert.equal(store.eventCount(), 120);
    assert.equal(query<{ count: number }>('SELECT count(*) AS count FROM raw_traces')[0]!.count, 120);
    const mappings = query<SessionMappingRow>('SELECT * FROM session_mappings');
    assert.equal(
      mappings.reduce((sum, mapping) => sum + mapping.event_count, 0),
      120,
    );
  });

  it('maps each IDE session (per platform and project) to one UUIDv7 with its first and last event time', () => {
    const store = open();
    const base: Omit<TelemetryEvent, 'event_id' | 'timestamp'> = {
      v: 1,
      platform: 'claude_code',
      session_id: 'abc123',
      event_type: 'tool_use',
      hook_type: 'PostToolUse',
      metadata: { project_hash: '1111111111111111', hook_version: 'test' },
      payload: {},
    };
    const event = (id: number, timestamp: string, changes: Partial<TelemetryEvent> = {}): TelemetryEvent => ({
      ...base,
      event_id: `01a028b2-c8b0-7720-b9cb-${String(id).padStart(12, '0')}`,
      timestamp,
      ...changes,
    });
    const first = store.insertBatch(
      [
        event(1, '2026-08-22T09:00:05.000Z'),
        event(2, '2026-08-22T09:00:01.000Z'),
        event(3, '2026-08-22T09:00:03.000Z', { platform: 'cursor' }),
        event(4, '2026-08-22T09:00:04.000Z', { metadata: { hook_version: 'test' } }),
      ].map((item) => encodeEvent(item)),
    );
    const later = store.insertBatch([event(5, '2026-08-22T10:00:00.000Z'), event(1, '2026-08-22T09:00:05.000Z')].map((item) => encodeEvent(item)));
    const mappings = query<SessionMappingRow>('SELECT * FROM session_mappings ORDER BY platform, project_hash DESC');
    assert.deepEqual(
      mappings.map(({ session_uuid: _uuid, ...rest }) => rest),
      [
        { external_id: 'abc123', platform: 'claude_code', project_hash: '1111111111111111', first_seen: '2026-08-22T09:00:01.000Z', last_seen: '2026-08-22T10:00:00.000Z', event_count: 3 },
        { external_id: 'abc123', platform: 'claude_code', project_hash: '', first_seen: '2026-08-22T09:00:04.000Z', last_seen: '2026-08-22T09:00:04.000Z', event_count: 1 },
        { external_id: 'abc123', platform: 'cursor', project_hash: '1111111111111111', first_seen: '2026-08-22T09:00:03.000Z', last_seen: '2026-08-22T09:00:03.000Z', event_count: 1 },
      ],
    );
    for (const mapping of mappings) assert.match(mapping.session_uuid, UUID_V7);
    const uuidOf = new Map(mappings.map((mapping) => [`${mapping.platform}/${mapping.project_hash}`, mapping.session_uuid]));
    assert.deepEqual(
      [...first, ...later].map((row) => row.session_uuid),
      ['claude_code/1111111111111111', 'claude_code/1111111111111111', 'cursor/1111111111111111', 'claude_code/', 'claude_code/1111111111111111'].map((key) => uuidOf.get(key)),
    );
  });

  it('keeps the WAL small: checkpoints run between batches and the file is cut back', () => {
    const store = open();
    const events = syntheticEvents(20_000, 21).map((event) => encodeEvent(event));
    let largest = 0;
    for (let i = 0; i < events.length; i += 100) {
      store.insertBatch(events.slice(i, i + 100));
      if (i % 2000 === 0) {
        store.checkpointNow();
        largest = Math.max(largest, statSync(`${file}-wal`).size);
      }
    }
    store.checkpointNow();
    const stats = store.stats();
    assert.equal(stats.batches, 200);
    assert.ok(stats.checkpoints >= 10);
    assert.ok(largest < 32 * 1024 * 1024, `WAL reached ${largest} bytes`);
    assert.ok(store.fileSizeBytes() > 2 * 1024 * 1024);
    store.close();
    store.close();
    assert.equal(existsSync(`${file}-wal`), false, 'a clean close leaves no WAL behind');
    assert.deepEqual(query('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  });

  it('rolls a failed batch back completely', () => {
    const store = open();
    const [good, bad] = syntheticEvents(2, 4).map((event) => encodeEvent(event));
    assert.throws(() => store.insertBatch([good!, { ...bad!, event_type: null as unknown as string }]));
    assert.equal(query<{ count: number }>('SELECT count(*) AS count FROM raw_traces')[0]!.count, 0);
    assert.equal(query<{ count: number }>('SELECT count(*) AS count FROM session_mappings')[0]!.count, 0);
    assert.equal(store.insertBatch([good!]).length, 1);
  });
});
