import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveInsights } from '../../core/insights/derive-insights.ts';
import { insightInput, insightWindows, type InsightInput, type InsightWindows } from '../../core/insights/insight-input.ts';
import { InsightStore } from '../../core/insights/insight-store.ts';
import { silentLog } from '../../core/log.ts';
import { aggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { claudeActivity, sessionMetrics } from './insights-builders.ts';
import { priceOf, T0, type SessionBuilder } from './metrics-builders.ts';

const DAY_S = 86_400;
const NOW = T0 + 10 * DAY_S * 1000;

/** What the worker does: the updated session whole, and every session in each window. */
function workerInput(updated: SessionBuilder, sessions: readonly SessionBuilder[], windows: InsightWindows): InsightInput {
  return insightInput(sessionMetrics(updated), { recent: sessions.map((s) => sessionMetrics(s, windows.recent)), baseline: sessions.map((s) => sessionMetrics(s, windows.baseline)) }, { priceOf });
}

function summary(input: InsightInput) {
  return deriveInsights(input).map((entry) => [entry.scope, entry.scopeKey, entry.findings.map((finding) => `${finding.rule}/${finding.subject}`)]);
}

describe('insights: deriving over a worker\'s input', () => {
  it('compares the last 24 h with the 7 days before them', () => {
    assert.deepEqual(insightWindows(NOW), { recent: { start: NOW - DAY_S * 1000, end: NOW }, baseline: { start: NOW - 8 * DAY_S * 1000, end: NOW - DAY_S * 1000 } });
  });

  it('finds a failing tool in the session and in every scope it belongs to, then resolves it once it is history', () => {
    const usual = claudeActivity('usual', { tools: [{ tool: 'Bash', runs: 100, failures: 5 }] }, { startSeconds: 7 * DAY_S });
    const bad = claudeActivity('bad', { tools: [{ tool: 'Bash', runs: 10, failures: 4 }] }, { startSeconds: 10 * DAY_S - 7200 });
    const sessions = [usual, bad];
    const input = workerInput(bad, sessions, insightWindows(NOW));
    assert.deepEqual([input.all!.recent.usage.tools.Bash!.executions, input.all!.baseline.usage.tools.Bash!.executions], [10, 100]);
    assert.deepEqual(summary(input), [
      ['session', 'claude_code:bad', ['tool_failure_spike/Bash']],
      ['project', 'p1', ['tool_failure_spike/Bash']],
      ['platform', 'claude_code', ['tool_failure_spike/Bash']],
      ['all', 'all', ['tool_failure_spike/Bash']],
    ]);

    const folder = mkdtempSync(join(tmpdir(), 'blueplane-insights-'));
    const telemetry = TelemetryStore.open(join(folder, DATABASE_FILE), silentLog);
    try {
      const store = new InsightStore(telemetry.connection());
      for (const entry of deriveInsights(input)) store.record(entry.scope, entry.scopeKey, entry.findings, NOW);
      assert.equal(store.list({ limit: 10 }).length, 4);
      // Two days on, the bad day is part of the baseline and the last 24 h hold nothing.
      const later = NOW + 2 * DAY_S * 1000;
      for (const entry of deriveInsights({ ...workerInput(bad, sessions, insightWindows(later)), session: undefined })) store.record(entry.scope, entry.scopeKey, entry.findings, later);
      assert.deepEqual(
        store.list({ includeResolved: true, limit: 10 }).map((row) => `${row.scope} ${row.resolved_at === null ? 'open' : 'resolved'}`).sort(),
        ['all resolved', 'platform resolved', 'project resolved', 'session open'],
      ); // the session was not recorded again: its finding stays until the session is
    } finally {
      telemetry.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('holds a session to its own project\'s habits when the project has a baseline', () => {
    const flakyProject = claudeActivity('flaky-usual', { tools: [{ tool: 'Bash', runs: 100, failures: 40 }] }, { startSeconds: 7 * DAY_S });
    const elsewhere = claudeActivity('elsewhere', { tools: [{ tool: 'Bash', runs: 400 }] }, { startSeconds: 7 * DAY_S, metadata: { project_hash: 'p2' } });
    const today = claudeActivity('today', { tools: [{ tool: 'Bash', runs: 10, failures: 4 }] }, { startSeconds: 10 * DAY_S - 3600 });
    assert.deepEqual(summary(workerInput(today, [flakyProject, elsewhere, today], insightWindows(NOW))), [
      ['session', 'claude_code:today', []], // 40 % is this project's usual rate
      ['project', 'p1', []],
      ['platform', 'claude_code', ['tool_failure_spike/Bash']], // 4 of 10 against 40 of 500
      ['all', 'all', ['tool_failure_spike/Bash']],
    ]);
  });

  it('finds nothing where there is nothing: empty views, every rate unavailable', () => {
    const empty = aggregateMetrics([]);
    assert.equal(empty.errors.tool_error_rate.status, 'unavailable');
    const views = { key: 'all', recent: empty, baseline: empty };
    assert.deepEqual(deriveInsights({ project: { ...views, key: 'p1' }, platform: { ...views, key: 'cursor' }, all: views }), [
      { scope: 'project', scopeKey: 'p1', findings: [] },
      { scope: 'platform', scopeKey: 'cursor', findings: [] },
      { scope: 'all', scopeKey: 'all', findings: [] },
    ]);
    assert.deepEqual(deriveInsights({}), []);
  });

  it('holds a session of a new project to its platform\'s baseline', () => {
    const usual = claudeActivity('usual', { tools: [{ tool: 'Bash', runs: 100, failures: 5 }] }, { startSeconds: 7 * DAY_S, metadata: { project_hash: 'p2' } });
    const first = claudeActivity('first', { tools: [{ tool: 'Bash', runs: 10, failures: 4 }] }, { startSeconds: 10 * DAY_S - 3600 });
    const input = workerInput(first, [usual, first], insightWindows(NOW));
    assert.equal(input.project!.baseline.quality.events, 0); // its one session has no event before today
    assert.deepEqual(summary(input)[0], ['session', 'claude_code:first', ['tool_failure_spike/Bash']]);
  });
});
