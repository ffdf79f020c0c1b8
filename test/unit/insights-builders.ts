// Sessions for the insights tests, described by what happened in them (tool runs and how they
// ended, edit decisions, prompts and their tokens, compactions, hook errors) and turned into real
// SessionMetrics by the metrics engine, so the rules are tested on what the worker will give them.
import type { EventMetadata } from '../../core/event/envelope.ts';
import { aggregateMetrics, type AggregateMetrics } from '../../core/metrics/aggregate-metrics.ts';
import { computeSessionMetrics, type SessionMetrics } from '../../core/metrics/session-metrics.ts';
import type { Window } from '../../core/metrics/session-timing.ts';
import { OPUS, priceOf, session, type SessionBuilder } from './metrics-builders.ts';

export interface ToolRuns {
  tool: string;
  runs: number;
  /** The first `failures` runs fail, the next `interrupts` are interrupted, the rest succeed. */
  failures?: number;
  interrupts?: number;
  /** Latency (payload duration_ms) of the run with this index; none when absent. */
  latencyMs?: (index: number) => number;
}

export interface Activity {
  tools?: ToolRuns[];
  /** Edit proposals (each of its own file): accepted ones run, rejected ones are denied. */
  edits?: { accepted: number; rejected: number };
  prompts?: number;
  /** Input tokens of a transcript usage record after each prompt (model OPUS, priced). */
  tokensPerPrompt?: number;
  compactions?: number;
  hookErrors?: number;
  /** Keep the session active until this many seconds after its start (a notification every 4 min). */
  activeSeconds?: number;
}

export interface ActivityOptions {
  startSeconds?: number;
  /** Metadata of every event (project_hash 'p1' unless given). */
  metadata?: Partial<EventMetadata>;
  /** Prefix of every tool_use_id and file hash (canary tests plant strings there). */
  idPrefix?: string;
}

const KEEPALIVE_SECONDS = 240;

export function claudeActivity(sessionId: string, activity: Activity, options: ActivityOptions = {}): SessionBuilder {
  const start = options.startSeconds ?? 0;
  const prefix = options.idPrefix ?? '';
  const s = session('claude_code', sessionId, { project_hash: 'p1', ...options.metadata });
  let t = start;
  let calls = 0;
  s.add('session_start', t++, { source: 'startup' }, { model: OPUS });
  for (let i = 0; i < (activity.prompts ?? 0); i++) {
    s.add('user_prompt', t++, { prompt_chars: 20, prompt_words: 4, prompt_hash: `${prefix}prompt-${i}` });
    if (activity.tokensPerPrompt !== undefined) s.usage(t++, OPUS, { input: activity.tokensPerPrompt });
  }
  for (const runs of activity.tools ?? []) {
    const failures = runs.failures ?? 0;
    const interrupts = runs.interrupts ?? 0;
    for (let i = 0; i < runs.runs; i++) {
      const id = `${prefix}call-${++calls}`;
      const latency = runs.latencyMs ? { duration_ms: runs.latencyMs(i) } : {};
      s.add('tool_start', t, { tool: runs.tool, tool_use_id: id });
      if (i < failures) s.add('tool_failure', t + 1, { tool: runs.tool, tool_use_id: id, success: false, error_class: 'non_zero_exit', exit_code: 1, ...latency });
      else if (i < failures + interrupts) s.add('tool_failure', t + 1, { tool: runs.tool, tool_use_id: id, success: false, is_interrupt: true, error_class: 'interrupted' });
      else s.add('tool_use', t + 1, { tool: runs.tool, tool_use_id: id, success: true, ...latency });
      t += 2;
    }
  }
  const edits = activity.edits ?? { accepted: 0, rejected: 0 };
  for (let i = 0; i < edits.accepted + edits.rejected; i++) {
    const id = `${prefix}call-${++calls}`;
    const file = { file_hash: `${prefix}file-${i}`, file_extension: '.ts', lines_added: 1, lines_removed: 0 };
    s.add('tool_start', t, { tool: 'Edit', tool_use_id: id, ...file });
    if (i < edits.accepted) s.add('tool_use', t + 1, { tool: 'Edit', tool_use_id: id, ...file, success: true });
    else s.add('permission_denied', t + 1, { tool: 'Edit', tool_use_id: id, success: false, error_class: 'permission' });
    t += 2;
  }
  for (let i = 0; i < (activity.compactions ?? 0); i++) s.add('compaction_start', t++, { trigger: 'auto' });
  for (let i = 0; i < (activity.hookErrors ?? 0); i++) s.add('hook_error', t++, { hook_name: 'PostToolUse', error_reason: 'too_large' });
  s.add('turn_end', t++);
  if (activity.activeSeconds !== undefined) {
    const end = start + activity.activeSeconds;
    if (t > end) throw new RangeError(`the activity takes ${t - start} s, more than ${activity.activeSeconds} s`);
    for (let at = t - 1 + KEEPALIVE_SECONDS; at < end; at += KEEPALIVE_SECONDS) s.add('notification', at);
    s.add('notification', end);
  }
  return s;
}

export function sessionMetrics(builder: SessionBuilder, window?: Window): SessionMetrics {
  return computeSessionMetrics(builder.events, { usage: builder.usageEvents, priceOf, ...(window ? { window } : {}) });
}

/** One session of this activity, as the metrics engine sees it. */
export function activityMetrics(sessionId: string, activity: Activity, options: ActivityOptions = {}): SessionMetrics {
  return sessionMetrics(claudeActivity(sessionId, activity, options));
}

/** A view of one session of this activity, the way a worker would aggregate a scope. */
export function activityView(sessionId: string, activity: Activity, options: ActivityOptions = {}): AggregateMetrics {
  return aggregateMetrics([activityMetrics(sessionId, activity, options)], { priceOf });
}
