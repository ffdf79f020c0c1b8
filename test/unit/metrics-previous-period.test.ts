import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLog } from '../../core/log.ts';
import { buildMetricsState } from '../../core/slow-path/metrics-rebuild.ts';
import { SessionSource } from '../../core/slow-path/session-source.ts';
import { encodeEvent } from '../../core/storage/event-codec.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { priceOf, session, T0 } from './metrics-builders.ts';

const HOUR = 3_600_000;

describe('metrics: the view of the period before (the change a reader compares against)', () => {
  let folder: string;
  let store: TelemetryStore;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'blueplane-previous-'));
    store = TelemetryStore.open(join(folder, DATABASE_FILE), silentLog);
  });
  afterEach(() => {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('counts a session of 90 minutes ago in the previous hour only, one of 10 minutes ago in the current hour only', async () => {
    // "now" is T0 + 2 h; the old session works at T0 + 30 min, the new one at T0 + 110 min.
    const now = T0 + 2 * HOUR;
    const old = session('claude_code', 'old');
    old.add('user_prompt', 1800, { prompt_chars: 10 });
    old.add('tool_start', 1801, { tool: 'Bash', tool_use_id: 'b1' });
    old.add('tool_failure', 1802, { tool: 'Bash', tool_use_id: 'b1', success: false, error_class: 'invalid_input' });
    old.add('user_prompt', 1810, { prompt_chars: 12 });
    const recent = session('claude_code', 'recent');
    recent.add('user_prompt', 6600, { prompt_chars: 5 });
    store.insertBatch([...old.events, ...recent.events].map((event) => encodeEvent(event)));

    const state = await buildMetricsState(new SessionSource(store.connection()), priceOf, now);
    const current = state.periodViews(now).get('all')!;
    const previous = state.previousPeriodViews(now).get('all')!;
    assert.equal(current['1h']!.usage.prompts, 1, 'the last hour: the recent session');
    assert.equal(previous['1h']!.usage.prompts, 2, 'the hour before: the old session');
    assert.equal(previous['1h']!.errors.errors, 1);
    assert.equal(current['24h']!.usage.prompts, 3, 'both in the last 24 h');
    assert.equal(previous['24h'], undefined, 'nothing in the 24 h before');
    assert.deepEqual(Object.keys(previous), ['1h'], 'only the hour before held activity');
  });
});
