import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLog } from '../../core/log.ts';
import { assertProcessedOnly, IsolationError, ProcessedDatabase } from '../../core/query/processed-database.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';

describe('Layer 3 isolation: processed data only', () => {
  it('refuses, before any row is read, a statement naming raw_traces or session_mappings however it is written', () => {
    for (const sql of [
      'SELECT * FROM raw_traces',
      'select event_data from RAW_TRACES where 1',
      'SELECT c.id FROM conversations c JOIN raw_traces r ON r.session_id = c.session_id',
      'SELECT id FROM conversations WHERE id IN (SELECT session_uuid FROM session_mappings)',
      'SELECT a.id FROM conversations a, "raw_traces" b',
      'WITH x AS (SELECT * FROM raw_traces) SELECT * FROM x',
      'SELECT * FROM schema_migrations',
    ]) {
      assert.throws(() => assertProcessedOnly(sql), IsolationError, sql);
    }
  });

  it('refuses writes, and accepts reads of the processed tables', () => {
    assert.throws(() => assertProcessedOnly('DELETE FROM conversations'), /only reads/);
    assert.throws(() => assertProcessedOnly("UPDATE insights SET title = 'x'"), /only reads/);
    assert.doesNotThrow(() => assertProcessedOnly("SELECT c.id FROM code_changes c JOIN conversations v ON v.id = c.conversation_id WHERE c.outcome = 'raw_traces'"));
    assert.doesNotThrow(() => assertProcessedOnly('SELECT id FROM insights WHERE rule IN (SELECT value FROM json_each(?))'));
  });

  it('on a real telemetry.db: the read-only connection answers processed tables and refuses raw_traces', () => {
    const folder = mkdtempSync(join(tmpdir(), 'blueplane-isolation-'));
    try {
      TelemetryStore.open(join(folder, DATABASE_FILE), silentLog).close();
      const db = ProcessedDatabase.open(folder);
      try {
        assert.deepEqual(db.prepare<{ n: number }>('SELECT count(*) AS n FROM conversations').get(), { n: 0 });
        assert.throws(() => db.prepare('SELECT count(*) FROM raw_traces'), /refused table raw_traces/);
      } finally {
        db.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
