import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../core/insights/finding.ts';
import { InsightStore } from '../../core/insights/insight-store.ts';
import { silentLog } from '../../core/log.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';

const T1 = Date.UTC(2026, 11, 1, 10, 0, 0);
const T2 = T1 + 60_000;
const T3 = T2 + 60_000;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function bashFailures(failures: number): Finding {
  return {
    rule: 'tool_failure_spike',
    subject: 'Bash',
    severity: 'warning',
    title: `Tool failed in ${failures * 10}% of 10 runs, usually 5% of 100`,
    evidence: { failures, executions: 10, failure_rate: failures / 10 },
  };
}

const HOOK_ERRORS: Finding = { rule: 'hook_errors', subject: '', severity: 'warning', title: '1 hook error in 3 events (33.3%): capture is missing data', evidence: { hook_errors: 1, events: 3 } };
const READ_FAILURES: Finding = { ...bashFailures(5), subject: 'Read' };

describe('insights: store', () => {
  let folder: string;
  let telemetry: TelemetryStore;
  let store: InsightStore;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'blueplane-insights-'));
    telemetry = TelemetryStore.open(join(folder, DATABASE_FILE), silentLog);
    store = new InsightStore(telemetry.connection());
  });
  afterEach(() => {
    telemetry.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function byRule(includeResolved = true) {
    return Object.fromEntries(store.list({ includeResolved, limit: 100 }).map((row) => [`${row.scope}/${row.scope_key}/${row.rule}/${row.subject}`, row]));
  }

  it('inserts findings with their evidence, one row per tool of a per-tool rule', () => {
    assert.deepEqual(store.record('project', 'p1', [bashFailures(4), READ_FAILURES, HOOK_ERRORS], T1), { recorded: 3, resolved: 0 });
    const rows = byRule();
    assert.deepEqual(Object.keys(rows).sort(), ['project/p1/hook_errors/', 'project/p1/tool_failure_spike/Bash', 'project/p1/tool_failure_spike/Read']);
    const bash = rows['project/p1/tool_failure_spike/Bash']!;
    assert.deepEqual(
      { ...bash, id: undefined },
      {
        id: undefined,
        rule: 'tool_failure_spike',
        subject: 'Bash',
        severity: 'warning',
        scope: 'project',
        scope_key: 'p1',
        title: 'Tool failed in 40% of 10 runs, usually 5% of 100',
        evidence: { failures: 4, executions: 10, failure_rate: 0.4 },
        source: 'rules',
        first_detected_at: iso(T1),
        last_detected_at: iso(T1),
        resolved_at: null,
      },
    );
  });

  it('keeps first_detected_at while a finding holds and resolves what no longer does, in its scope only', () => {
    store.record('project', 'p1', [bashFailures(4), HOOK_ERRORS], T1);
    store.record('project', 'p2', [HOOK_ERRORS], T1);
    store.record('project', 'p1', [HOOK_ERRORS], T1, 'provider');
    assert.deepEqual(store.record('project', 'p1', [{ ...bashFailures(6), severity: 'critical' }], T2), { recorded: 1, resolved: 1 });
    const rows = byRule();
    const bash = rows['project/p1/tool_failure_spike/Bash']!;
    assert.deepEqual([bash.first_detected_at, bash.last_detected_at, bash.resolved_at, bash.severity], [iso(T1), iso(T2), null, 'critical']);
    assert.deepEqual(bash.evidence, { failures: 6, executions: 10, failure_rate: 0.6 });
    assert.equal(bash.title, 'Tool failed in 60% of 10 runs, usually 5% of 100');
    const resolved = store.list({ includeResolved: true, limit: 100 }).filter((row) => row.resolved_at !== null);
    assert.deepEqual(
      resolved.map((row) => [row.scope_key, row.rule, row.source, row.resolved_at, row.last_detected_at]),
      [['p1', 'hook_errors', 'rules', iso(T2), iso(T1)]],
    ); // p2's and the provider's findings are not p1's rule findings
    assert.deepEqual(store.list({ limit: 100 }).map((row) => `${row.scope_key} ${row.rule} ${row.source}`).sort(), [
      'p1 hook_errors provider',
      'p1 tool_failure_spike rules',
      'p2 hook_errors rules',
    ]);
  });

  it('reopens a finding that comes back as a new episode, and resolves everything on an empty record', () => {
    store.record('session', 'claude_code:s1', [HOOK_ERRORS], T1);
    store.record('session', 'claude_code:s1', [], T2);
    assert.equal(byRule()['session/claude_code:s1/hook_errors/']!.resolved_at, iso(T2));
    store.record('session', 'claude_code:s1', [HOOK_ERRORS], T3);
    const row = byRule()['session/claude_code:s1/hook_errors/']!;
    assert.deepEqual([row.first_detected_at, row.last_detected_at, row.resolved_at], [iso(T3), iso(T3), null]);
    assert.equal(store.list({ includeResolved: true, limit: 100 }).length, 1);
  });

  it('pages the most recently detected first, from a time on', () => {
    store.record('all', 'all', [HOOK_ERRORS], T1);
    store.record('project', 'p1', [HOOK_ERRORS], T2);
    store.record('project', 'p2', [HOOK_ERRORS], T3);
    const keys = (options: Parameters<InsightStore['list']>[0]) => store.list(options).map((row) => row.scope_key);
    assert.deepEqual(keys({ limit: 10 }), ['p2', 'p1', 'all']);
    assert.deepEqual(keys({ limit: 1, offset: 1 }), ['p1']);
    assert.deepEqual(keys({ since: T2, limit: 10 }), ['p2', 'p1']);
  });

  it('refuses evidence that is not finite numbers, recording nothing', () => {
    const bad = { ...HOOK_ERRORS, evidence: { share: Number.NaN } };
    assert.throws(() => store.record('all', 'all', [HOOK_ERRORS, bad], T1), TypeError);
    assert.throws(() => store.record('all', 'all', [{ ...HOOK_ERRORS, evidence: { note: 'text' } as unknown as Finding['evidence'] }], T1), TypeError);
    assert.deepEqual(store.list({ includeResolved: true, limit: 10 }), []);
  });

  it('keeps its rows across a reopen of the database file', () => {
    store.record('platform', 'cursor', [HOOK_ERRORS], T1);
    telemetry.close();
    telemetry = TelemetryStore.open(join(folder, DATABASE_FILE), silentLog);
    store = new InsightStore(telemetry.connection());
    assert.deepEqual(
      store.list({ limit: 10 }).map((row) => [row.scope, row.scope_key, row.rule, row.first_detected_at]),
      [['platform', 'cursor', 'hook_errors', iso(T1)]],
    );
  });
});
