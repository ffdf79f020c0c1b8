import assert from 'node:assert/strict';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { approximately } from '../../core/metrics/edit-history.ts';
import { ok, unavailable } from '../../core/metrics/metric-value.ts';
import { computeSessionMetrics } from '../../core/metrics/session-metrics.ts';
import { at, OPUS, session } from './metrics-builders.ts';

function reasonOf(metric: { status: string; reason?: string }): string | undefined {
  return metric.status === 'unavailable' ? metric.reason : undefined;
}

function samples(metric: { status: string; value?: { count: number; min: number; max: number } }): [number, number, number] | undefined {
  return metric.status === 'ok' && metric.value ? [metric.value.count, metric.value.min, metric.value.max] : undefined;
}

describe('metrics engine: tool calls without tool_use_id', () => {
  // 0 prompt; 1 Edit A start; 2 Edit B start; 3 Edit done; 5 Edit done; 6 Edit C start; 8 Stop;
  // 10 prompt; 11 Edit done (nothing open: C was closed by the Stop); 12 Bash start; 13 Bash failure; 14 Stop
  const s = session('claude_code');
  s.add('user_prompt', 0);
  s.add('tool_start', 1, { tool: 'Edit', file_hash: 'F1', lines_added: 3, lines_removed: 0 });
  s.add('tool_start', 2, { tool: 'Edit', file_hash: 'F2', lines_added: 2, lines_removed: 0 });
  s.add('tool_use', 3, { tool: 'Edit', file_hash: 'F1', lines_added: 3, lines_removed: 0, success: true });
  s.add('tool_use', 5, { tool: 'Edit', file_hash: 'F2', lines_added: 2, lines_removed: 0, success: true });
  s.add('tool_start', 6, { tool: 'Edit', file_hash: 'F3', lines_added: 1, lines_removed: 0 });
  s.add('turn_end', 8);
  s.add('user_prompt', 10);
  s.add('tool_use', 11, { tool: 'Edit', file_hash: 'F3', lines_added: 1, lines_removed: 0, success: true });
  s.add('tool_start', 12, { tool: 'Bash' });
  s.add('tool_failure', 13, { tool: 'Bash', success: false, error_class: 'not_found' });
  s.add('turn_end', 14);
  const metrics = computeSessionMetrics(s.events);

  it('pairs a start with the next outcome of the same tool, first in first out, until a boundary', () => {
    const a = metrics.acceptance;
    // A ↔ done at 3 (2 s), B ↔ done at 5 (3 s), C has none before the Stop at 8 (rejected after 2 s)
    assert.deepEqual([a.proposals, a.accepted, a.rejected, a.rejected_by.no_outcome], [3, 2, 1, 1]);
    assert.deepEqual(a.acceptance_rate, ok(2 / 3));
    assert.deepEqual(samples(a.time_to_accept_ms), [2, 2000, 3000]);
    assert.deepEqual(samples(a.time_to_reject_ms), [1, 2000, 2000]);
    // the outcome at 11 stands alone: an applied edit, not a proposal
    assert.equal(a.applied_edits, 3);
    assert.equal(metrics.code.lines_added, 6);
  });

  it('counts the calls: Edit ×4 (one interrupted), Bash ×1 failed', () => {
    const edit = metrics.usage.tools.Edit!;
    assert.deepEqual([edit.calls, edit.executions, edit.succeeded, edit.interrupted], [4, 3, 3, 1]);
    assert.deepEqual(metrics.errors.tool_error_rate, ok(1 / 4)); // Bash of 4 executions
    assert.deepEqual(metrics.errors.interruption_rate, ok(1 / 5)); // C of 5 calls
    assert.deepEqual(metrics.errors.error_classes, { not_found: 1 });
    // latency from timestamps: Edit 3−1 = 2 s, 5−2 = 3 s; Bash 13−12 = 1 s
    assert.deepEqual(samples(metrics.latency.per_tool.Edit!), [2, 2000, 3000]);
    assert.deepEqual(samples(metrics.latency.per_tool.Bash!), [1, 1000, 1000]);
  });
});

describe('metrics engine: parallel tool calls with ids', () => {
  it('pairs interleaved starts and ends by id, and a PostToolUse stamped before its PreToolUse', () => {
    const s = session('claude_code');
    s.add('user_prompt', 0);
    s.add('tool_start', 1, { tool: 'Read', tool_use_id: 'r1' });
    s.add('tool_start', 1.1, { tool: 'Grep', tool_use_id: 'g1' });
    s.add('tool_start', 1.2, { tool: 'Read', tool_use_id: 'r2' });
    s.add('tool_use', 2, { tool: 'Read', tool_use_id: 'r2', success: true });
    s.add('tool_use', 3, { tool: 'Grep', tool_use_id: 'g1', success: true });
    s.add('tool_use', 4, { tool: 'Read', tool_use_id: 'r1', success: true });
    // async hooks: the 12 ms Edit's PostToolUse process took its timestamp 10 ms before the PreToolUse's
    s.add('tool_use', 10.04, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'F', lines_added: 2, lines_removed: 0, success: true, duration_ms: 12 });
    s.add('tool_start', 10.05, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'F', lines_added: 2, lines_removed: 0 });
    s.add('turn_end', 11);
    const metrics = computeSessionMetrics(s.events);
    // Read r1 4 − 1 = 3000, r2 2 − 1.2 = 800; Grep 3 − 1.1 = 1900; Edit 12 from the payload
    assert.deepEqual(samples(metrics.latency.per_tool.Read!), [2, 800, 3000]);
    assert.deepEqual(samples(metrics.latency.per_tool.Grep!), [1, 1900, 1900]);
    assert.deepEqual(samples(metrics.latency.per_tool.Edit!), [1, 12, 12]);
    assert.deepEqual([metrics.acceptance.proposals, metrics.acceptance.accepted], [1, 1]);
    assert.deepEqual(samples(metrics.acceptance.time_to_accept_ms), [1, 0, 0]); // max(0, −10 ms)
    assert.equal(metrics.usage.tool_calls, 4);
    assert.deepEqual(metrics.errors.interruption_rate, ok(0));
  });
});

describe('metrics engine: interrupted tools', () => {
  it('counts an interrupt class without is_interrupt, and a start closed by SessionEnd', () => {
    const s = session('claude_code');
    s.add('user_prompt', 0);
    s.add('tool_start', 1, { tool: 'Bash', tool_use_id: 'b1' });
    s.add('tool_failure', 2, { tool: 'Bash', tool_use_id: 'b1', success: false, error_class: 'interrupted' });
    s.add('tool_start', 3, { tool: 'Read', tool_use_id: 'r1' });
    s.add('session_end', 4);
    const metrics = computeSessionMetrics(s.events);
    assert.deepEqual([metrics.errors.executions, metrics.errors.errors, metrics.errors.interruptions], [1, 0, 2]);
    assert.deepEqual(metrics.errors.tool_error_rate, ok(0));
    assert.deepEqual(metrics.errors.interruption_rate, ok(1));
    assert.deepEqual(metrics.errors.error_classes, { interrupted: 1 });
    assert.equal(reasonOf(metrics.latency.all_tools), 'no_data'); // interrupts have no latency
    // 50 + 25·0/1 − 15·min(1, 0 + 2/2) + 10 (SessionEnd, no reason) + 0
    assert.equal(metrics.productivity.score, 45);
  });
});

describe('metrics engine: reverted edits', () => {
  it('defines ≈ as |x − n| ≤ floor(n / 10)', () => {
    assert.equal(approximately(18, 20), true);
    assert.equal(approximately(22, 20), true);
    assert.equal(approximately(17, 20), false);
    assert.equal(approximately(9, 10), true);
    assert.equal(approximately(4, 5), false);
    assert.equal(approximately(0, 0), true);
  });

  it('marks an unbalanced edit undone by the next edit of its file within 30 s', () => {
    const s = session('cursor');
    const edit = (seconds: number, file: string, added: number, removed: number): void => {
      s.add('file_edit', seconds, { file_hash: file, file_extension: '.ts', lines_added: added, lines_removed: removed });
    };
    edit(10, 'A', 20, 0);
    edit(40, 'A', 0, 18); // 30 s later, −18 ≈ 20: reverts
    edit(50, 'B', 20, 0);
    edit(80.001, 'B', 0, 20); // 30.001 s: too late
    edit(100, 'C', 1, 1);
    edit(101, 'C', 1, 1); // balanced: line counts cannot tell a revert from the next small edit
    edit(200, 'D', 5, 0);
    edit(201, 'D', 1, 0);
    edit(202, 'D', 0, 5); // compared with the previous edit of D (+1), not the one before
    edit(300, 'E', 3, 0);
    edit(301, 'F', 0, 3); // another file
    const metrics = computeSessionMetrics(s.events);
    assert.equal(metrics.acceptance.applied_edits, 11);
    assert.equal(metrics.acceptance.reverted_edits, 1);
    assert.equal(metrics.code.kept_lines_added, 20 + 1 + 1 + 5 + 1 + 3); // B, C, C, D, D, E: every added line but A's 20
    // re-edits (≤ 5 min after the file's previous edit): A, B, C, D, D
    assert.equal(metrics.acceptance.iterations, 5);
  });

  it('does not count a later edit of an accepted proposal as a revert once it is past 30 s', () => {
    const s = session('claude_code');
    s.add('user_prompt', 0);
    s.add('tool_start', 1, { tool: 'Write', tool_use_id: 'w', file_hash: 'A', lines_added: 10, lines_removed: 0 });
    s.add('tool_use', 2, { tool: 'Write', tool_use_id: 'w', file_hash: 'A', lines_added: 10, lines_removed: 0, is_new_file: true, success: true });
    s.add('tool_start', 40, { tool: 'Edit', tool_use_id: 'e', file_hash: 'A', lines_added: 0, lines_removed: 10 });
    s.add('tool_use', 41, { tool: 'Edit', tool_use_id: 'e', file_hash: 'A', lines_added: 0, lines_removed: 10, success: true });
    assert.deepEqual(computeSessionMetrics(s.events).acceptance.acceptance_rate, ok(1));
    s.events[3]!.timestamp = s.events[4]!.timestamp = new Date(Date.parse(s.events[2]!.timestamp) + 30_000).toISOString();
    assert.deepEqual(computeSessionMetrics(s.events).acceptance.acceptance_rate, ok(1 / 2)); // exactly 30 s: reverted
  });
});

describe('metrics engine: subagents', () => {
  it('pairs by agent id in either order, else by type first in first out', () => {
    const s = session('claude_code');
    s.add('subagent_start', 0, { subagent_type: 'Plan' });
    s.add('subagent_start', 1, { subagent_type: 'Plan' });
    s.add('subagent_stop', 5, { subagent_type: 'Plan' }); // the first Plan: 5 s
    s.add('subagent_stop', 7, { subagent_type: 'Explore' }, { agent_id: 'x' });
    s.add('subagent_start', 8, { subagent_type: 'Explore' }, { agent_id: 'x' }); // stamped after its stop: 0
    s.add('subagent_start', 9, { subagent_type: 'general-purpose' }, { agent_id: 'y' }); // still running
    const { subagents } = computeSessionMetrics(s.events).usage;
    assert.equal(subagents.count, 4);
    assert.deepEqual(subagents.types, { Explore: 1, Plan: 2, 'general-purpose': 1 });
    assert.deepEqual(samples(subagents.duration_ms), [2, 0, 5000]);
  });
});

describe('metrics engine: compactions', () => {
  it('rates compactions per active hour, idle gaps excluded', () => {
    const s = session('claude_code');
    s.add('user_prompt', 0);
    s.add('compaction_start', 600, { trigger: 'auto' }); // after a 10-min idle gap
    s.add('compaction_start', 660, { trigger: 'manual' });
    s.add('compaction_start', 720, { trigger: 'auto' });
    s.add('turn_end', 780);
    const { usage, latency } = computeSessionMetrics(s.events);
    assert.equal(latency.active_time_ms, 180_000); // 660−600 + 720−660 + 780−720
    assert.equal(usage.compactions, 3);
    assert.deepEqual(usage.compaction_triggers, { auto: 2, manual: 1 });
    assert.deepEqual(usage.compactions_per_hour, ok(60)); // 3 / 0.05 h
  });
});

describe('metrics engine: idle gaps', () => {
  it('counts a gap of exactly 5 min as active and anything longer as idle, for active and think time', () => {
    const s = session('claude_code');
    s.add('turn_end', 0);
    s.add('user_prompt', 300); // exactly 5 min after the Stop
    s.add('turn_end', 301);
    s.add('user_prompt', 601.001); // 5 min and 1 ms
    const { latency } = computeSessionMetrics(s.events);
    assert.equal(latency.active_time_ms, 301_000);
    assert.equal(latency.idle_time_ms, 300_001);
    assert.deepEqual(samples(latency.think_time_ms), [1, 300_000, 300_000]);
    assert.deepEqual(samples(latency.prompt_gap_ms), [1, 301_001, 301_001]); // gaps keep idle time
  });
});

describe('metrics engine: sessions without a SessionEnd', () => {
  const s = session('claude_code');
  s.add('session_start', 0, { source: 'resume' }, { model: OPUS });
  s.add('user_prompt', 1);
  s.add('tool_start', 2, { tool: 'Edit', tool_use_id: 'e1', file_hash: 'F', lines_added: 1, lines_removed: 0 });
  s.add('tool_start', 3, { tool: 'Bash', tool_use_id: 'b1' });

  it('keeps undecided proposals and calls pending, not rejected', () => {
    const metrics = computeSessionMetrics(s.events);
    assert.equal(metrics.ended, false);
    assert.deepEqual([metrics.acceptance.proposals, metrics.acceptance.pending, metrics.acceptance.rejected], [1, 1, 0]);
    assert.equal(reasonOf(metrics.acceptance.acceptance_rate), 'no_data');
    assert.deepEqual([metrics.usage.tool_calls, metrics.usage.tools.Bash!.pending], [2, 1]);
    assert.equal(reasonOf(metrics.errors.interruption_rate), 'no_data');
    assert.deepEqual(metrics.productivity, { score: 50, tool_efficiency: 0, error_penalty: 0, completion: 0, code_impact: 0 });
    assert.deepEqual(metrics.usage.session_sources, ok({ resume: 1 }));
    // no transcript records: tokens unknown, not zero; the model comes from SessionStart
    assert.equal(reasonOf(metrics.tokens.total), 'no_data');
    assert.equal(reasonOf(metrics.tokens.cost), 'no_data');
    assert.deepEqual(metrics.usage.models, { distribution: { [OPUS]: { observations: 1, share: 1 } }, switches: 0 });
  });

  it('decides them when the session ends', () => {
    const end: TelemetryEvent = { ...s.events[0]!, event_id: 'end', event_type: 'session_end', timestamp: new Date(at(10)).toISOString(), payload: { reason: 'other' } };
    const ended = computeSessionMetrics([...s.events, end]);
    assert.equal(ended.ended_normally, true);
    assert.deepEqual([ended.acceptance.rejected_by.no_outcome, ended.acceptance.pending], [1, 0]);
    assert.deepEqual(samples(ended.acceptance.time_to_reject_ms), [1, 8000, 8000]); // 10 − 2
    assert.deepEqual(ended.errors.interruption_rate, ok(1));
  });
});

describe('metrics engine: how a session ended', () => {
  function endOf(platform: 'claude_code' | 'cursor', build: (s: ReturnType<typeof session>) => void) {
    const s = session(platform);
    s.add('session_start', 0);
    build(s);
    const { ended, ended_normally } = computeSessionMetrics(s.events);
    return [ended, ended_normally];
  }

  it('is live again after a SessionEnd followed by a prompt', () => {
    assert.deepEqual(endOf('claude_code', (s) => { s.add('session_end', 1, { reason: 'clear' }); s.add('user_prompt', 2); }), [false, false]);
  });

  it('did not end normally after a StopFailure, an abort or an error', () => {
    assert.deepEqual(endOf('claude_code', (s) => { s.add('user_prompt', 1); s.add('turn_error', 2, { kind: 'rate_limit' }); s.add('session_end', 3, { reason: 'other' }); }), [true, false]);
    assert.deepEqual(endOf('claude_code', (s) => { s.add('user_prompt', 1); s.add('turn_error', 2); s.add('user_prompt', 3); s.add('turn_end', 4); s.add('session_end', 5); }), [true, true]);
    assert.deepEqual(endOf('cursor', (s) => s.add('session_end', 1, { reason: 'aborted' })), [true, false]);
    assert.deepEqual(endOf('cursor', (s) => s.add('session_end', 1, { reason: 'user_close', status: 'error' })), [true, false]);
    assert.deepEqual(endOf('cursor', (s) => s.add('session_end', 1, { reason: 'window_close', status: 'completed' })), [true, true]);
  });
});

describe('metrics engine: where a session happened', () => {
  it("takes the project from the hooks before a transcript record's cwd", () => {
    const s = session('claude_code', 'placed', {});
    const record = s.usage(0, OPUS, { input: 1, output: 1 });
    record.metadata.project_hash = 'cwd-hash';
    record.metadata.workspace_hash = 'cwd-hash';
    s.add('user_prompt', 1, {}, { project_hash: 'project-dir-hash', workspace_hash: 'cwd-hash' });
    const metrics = computeSessionMetrics(s.events, { usage: s.usageEvents });
    assert.deepEqual([metrics.project_hash, metrics.workspace_hash], ['project-dir-hash', 'cwd-hash']);
    assert.equal(computeSessionMetrics([], { usage: s.usageEvents }).project_hash, 'cwd-hash');
  });
});

describe('metrics engine: input it refuses or sets aside', () => {
  it('refuses no events and events of two sessions', () => {
    assert.throws(() => computeSessionMetrics([]), RangeError);
    const a = session('claude_code', 'a').add('user_prompt', 0);
    const b = session('claude_code', 'b').add('user_prompt', 1);
    assert.throws(() => computeSessionMetrics([a, b]), /claude_code\/b/);
    const cursor = session('cursor', 'a').add('user_prompt', 1);
    assert.throws(() => computeSessionMetrics([a, cursor]), RangeError);
  });

  it('counts events without a valid timestamp and leaves them out', () => {
    const s = session('claude_code');
    s.add('user_prompt', 0);
    s.add('user_prompt', 10).timestamp = 'yesterday';
    const metrics = computeSessionMetrics(s.events);
    assert.equal(metrics.usage.prompts, 1);
    assert.deepEqual(metrics.quality, { events: 1, duplicates: 0, invalid_timestamps: 1, hook_errors: 0 });
    assert.deepEqual(metrics.latency.prompt_gap_ms, unavailable('no_data', 'no pair of consecutive prompts was observed'));
  });
});
