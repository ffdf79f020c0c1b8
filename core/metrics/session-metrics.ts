// One session's metrics, from its events alone (pure: no Redis, no SQLite, no clock). Events may
// come in any order and more than once. The whole session is always read for context (an edit's
// outcome, a revert 30 s later, the boundary that closes a call); an optional time window then
// decides what COUNTS, each item at one instant, so the tallies of adjacent windows add up to the
// tally of their union and period views or time buckets never count an item twice:
//   tool call            outcome time (start time if it has none)
//   edit proposal        PreToolUse time (its outcome, delay and revert go with it)
//   applied edit         PostToolUse / afterFileEdit time (lines, files, revert, re-edit, churn)
//   prompt               prompt time (length, response time, think time); prompt gap: the later prompt
//   token usage          record time (Cursor: the turn's last token-bearing event)
//   model observation    its time; a switch counts at the observation that differs
//   subagent             stop time (start time if it never stopped)
//   compaction, source   event time
//   span, active time    the part of each interval inside the window
//   duplicates           the dropped copy's time; events without a valid timestamp only unwindowed
// Session-level facts (ended, ended normally) are not windowed.
import type { Platform } from '../event/envelope.ts';
import { appliedEdits, editProposals } from './edit-history.ts';
import { increment, sortedRecord, unionSorted } from './metric-value.ts';
import { emptyLines, emptyTally, emptyToolTally, normalizeTally, type LineTally, type MetricsTally } from './metrics-tally.ts';
import { deriveMetrics, type MetricsView } from './metrics-view.ts';
import { sortSamples } from './percentile.ts';
import { productivityScore, sessionEnd, type ProductivityScore, type SessionEnd } from './productivity-score.ts';
import { prepareSession, type MetricsEvent, type TimedEvent, type TokenUsageEvent } from './session-events.ts';
import { promptTiming, spanAndActivity, type TimedSample, type Window } from './session-timing.ts';
import { callLatency, callTime, matchToolCalls, type ToolCall } from './tool-calls.ts';
import { addTokens, NO_TOKENS, UNKNOWN_MODEL, usageRecords, type PriceOf } from './token-usage.ts';

export interface SessionMetricsOptions {
  /** Token usage records from the transcript monitor, merged with the events (same dedupe by event_id). */
  usage?: readonly TokenUsageEvent[];
  priceOf?: PriceOf;
  /** Count only what happened in [start, end) (ms since the epoch); the whole session gives the context. */
  window?: Window;
}

export interface SessionMetrics extends MetricsView, SessionEnd {
  session_id: string;
  platform: Platform;
  project_hash?: string;
  workspace_hash?: string;
  /** The whole session's first and last event times (ISO-8601), whatever the window. */
  first_event_at?: string;
  last_event_at?: string;
  window?: Window;
  productivity: ProductivityScore;
  /** The mergeable state every value above was derived from (see aggregateMetrics). */
  tally: MetricsTally;
}

const NO_EXTENSION = '(none)';

export function computeSessionMetrics(events: readonly MetricsEvent[], options: SessionMetricsOptions = {}): SessionMetrics {
  const session = prepareSession([...events, ...(options.usage ?? [])]);
  const tally = sessionTally(session.platform, session.events, options.window);
  const composer = session.latestComposer;
  if (composer && within(composer.ms, options.window)) {
    // Counted at the snapshot's time, the composer's last update: once per session, as of then.
    tally.composer = { sessions: 1, accepted_blocks: composer.event.payload.accepted_block_count ?? 0, rejected_blocks: composer.event.payload.rejected_block_count ?? 0 };
  }
  tally.quality.duplicates = session.duplicateTimes.filter((ms) => within(ms, options.window)).length;
  if (!options.window) tally.quality.invalid_timestamps = session.invalidTimestamps;
  const view = deriveMetrics(tally, options);
  const end = sessionEnd(session.events);
  const metrics: SessionMetrics = {
    session_id: session.sessionId,
    platform: session.platform,
    ...end,
    ...view,
    productivity: productivityScore(view, end.ended_normally),
    tally,
  };
  const project = placeOf(session.events, 'project_hash');
  if (project !== undefined) metrics.project_hash = project;
  const workspace = placeOf(session.events, 'workspace_hash');
  if (workspace !== undefined) metrics.workspace_hash = workspace;
  const first = session.events[0];
  const last = session.events[session.events.length - 1];
  if (first && last) {
    metrics.first_event_at = new Date(first.ms).toISOString();
    metrics.last_event_at = new Date(last.ms).toISOString();
  }
  if (options.window) metrics.window = { ...options.window };
  return metrics;
}

/**
 * The session's project or workspace: the first hook event naming one (a hook's project_hash is
 * CLAUDE_PROJECT_DIR or Cursor's first workspace root; a transcript record only knows its cwd),
 * else the first token record naming one.
 */
function placeOf(events: readonly TimedEvent[], key: 'project_hash' | 'workspace_hash'): string | undefined {
  const named = (timed: TimedEvent): boolean => timed.event.metadata[key] !== undefined;
  const fromHook = events.find((timed) => timed.event.event_type !== 'token_usage' && named(timed));
  return (fromHook ?? events.find(named))?.event.metadata[key];
}

function within(ms: number, window: Window | undefined): boolean {
  return !window || (ms >= window.start && ms < window.end);
}

function addEditLines(lines: LineTally, added: number, removed: number): void {
  lines.edits++;
  lines.lines_added += added;
  lines.lines_removed += removed;
}

/** Everything countable in one session (or its slice in a window), before any value is derived. */
function sessionTally(platform: Platform, events: readonly TimedEvent[], window?: Window): MetricsTally {
  const counts = (ms: number): boolean => within(ms, window);
  const tally = emptyTally();
  tally.platforms[platform] = 1;
  countEvents(tally, events, counts);
  const calls = matchToolCalls(events);
  countCalls(tally, calls, counts);
  const edits = appliedEdits(platform, events, calls);
  const { acceptance, applied, code } = tally;
  for (const proposal of editProposals(platform, calls, edits)) {
    if (!counts(proposal.ms)) continue;
    acceptance.proposals++;
    if (proposal.outcome === 'accepted') {
      acceptance.accepted++;
      if (!proposal.edit?.reverted) acceptance.accepted_not_reverted++;
      if (proposal.delayMs !== undefined) acceptance.time_to_accept_ms.push(proposal.delayMs);
    } else if (proposal.outcome === 'rejected') {
      acceptance.rejected++;
      if (proposal.rejection === 'interrupt') acceptance.rejected_interrupt++;
      else if (proposal.rejection === 'permission_denied') acceptance.rejected_permission_denied++;
      else acceptance.rejected_no_outcome++;
      if (proposal.delayMs !== undefined) acceptance.time_to_reject_ms.push(proposal.delayMs);
    } else if (proposal.outcome === 'failed') acceptance.failed++;
    else acceptance.pending++;
  }
  const files: string[] = [];
  const newFiles: string[] = [];
  for (const edit of edits) {
    if (!counts(edit.ms)) continue;
    applied.edits++;
    if (edit.reverted) applied.reverted++;
    else code.kept_lines_added += edit.added;
    if (edit.reedit) applied.reedits++;
    addEditLines(code.lines, edit.added, edit.removed);
    const extension = edit.extension || NO_EXTENSION;
    code.per_extension[extension] ??= emptyLines();
    addEditLines(code.per_extension[extension], edit.added, edit.removed);
    if (edit.churn) addEditLines(code.churn, edit.added, edit.removed);
    if (edit.fileHash !== undefined) {
      applied.with_file++;
      files.push(edit.fileHash);
      if (edit.isNewFile === true) newFiles.push(edit.fileHash);
    }
  }
  code.files[platform] = unionSorted([], files);
  code.new_files = platform === 'claude_code' ? unionSorted([], newFiles) : [];
  acceptance.time_to_accept_ms = sortSamples(acceptance.time_to_accept_ms);
  acceptance.time_to_reject_ms = sortSamples(acceptance.time_to_reject_ms);
  countTiming(tally, events, window);
  countTokensAndModels(tally, events, counts);
  countSubagents(tally, events, counts);
  return normalizeTally(tally);
}

function countEvents(tally: MetricsTally, events: readonly TimedEvent[], counts: (ms: number) => boolean): void {
  const chars: number[] = [];
  const words: number[] = [];
  for (const { event, ms } of events) {
    if (!counts(ms)) continue;
    tally.events++;
    switch (event.event_type) {
      case 'user_prompt':
        tally.prompts.count++;
        if (event.payload.prompt_chars !== undefined) chars.push(event.payload.prompt_chars);
        if (event.payload.prompt_words !== undefined) words.push(event.payload.prompt_words);
        break;
      case 'compaction_start':
        tally.compactions.count++;
        increment(tally.compactions.triggers, event.payload.trigger ?? 'unknown');
        break;
      case 'session_start':
        if (event.payload.source !== undefined) increment(tally.session_sources, event.payload.source);
        break;
      case 'hook_error':
        tally.quality.hook_errors++;
        break;
      case 'tab_file_edit':
        addEditLines(tally.code.tab, event.payload.lines_added ?? 0, event.payload.lines_removed ?? 0);
        break;
    }
  }
  tally.prompts.chars = sortSamples(chars);
  tally.prompts.words = sortSamples(words);
}

function countCalls(tally: MetricsTally, calls: readonly ToolCall[], counts: (ms: number) => boolean): void {
  for (const call of calls) {
    if (!counts(callTime(call))) continue;
    const tool = (tally.tools[call.tool] ??= emptyToolTally());
    tool.calls++;
    switch (call.state) {
      case 'succeeded':
        tool.succeeded++;
        break;
      case 'failed':
        tool.failed++;
        break;
      case 'interrupted':
        tool.interrupted++;
        break;
      case 'denied':
        tool.denied++;
        break;
      case 'pending':
        tool.pending++;
        break;
    }
    if (call.outcome && call.state !== 'denied') tool.executions++;
    if (call.errorClass !== undefined) increment(tally.error_classes, call.errorClass);
    const latency = callLatency(call);
    if (latency !== undefined) tool.latency_ms.push(latency);
  }
  for (const tool of Object.values(tally.tools)) tool.latency_ms = sortSamples(tool.latency_ms);
}

function windowed(samples: readonly TimedSample[], window: Window | undefined): number[] {
  return sortSamples(samples.filter((sample) => within(sample.ms, window)).map((sample) => sample.value));
}

function countTiming(tally: MetricsTally, events: readonly TimedEvent[], window: Window | undefined): void {
  const { spanMs, activeMs } = spanAndActivity(events, window);
  const timing = promptTiming(events);
  tally.timing = {
    span_ms: spanMs,
    active_ms: activeMs,
    response_time_ms: windowed(timing.responseTimes, window),
    think_time_ms: windowed(timing.thinkTimes, window),
    prompt_gap_ms: windowed(timing.promptGaps, window),
  };
}

/**
 * Model observations: the usage records (one per API response or Cursor turn) when there are any,
 * else every event whose metadata names a model (Claude Code's SessionStart; each Cursor hook).
 * A switch is an observation naming another model than the previous one ("unknown" ignored).
 */
function countTokensAndModels(tally: MetricsTally, events: readonly TimedEvent[], counts: (ms: number) => boolean): void {
  const records = usageRecords(events);
  for (const record of records) {
    if (!counts(record.ms)) continue;
    tally.tokens.records++;
    tally.tokens.per_model[record.model] = addTokens(tally.tokens.per_model[record.model] ?? NO_TOKENS, record);
  }
  tally.tokens.per_model = sortedRecord(tally.tokens.per_model);
  const observed =
    records.length > 0
      ? records.map((record) => ({ ms: record.ms, model: record.model }))
      : events.flatMap(({ ms, event }) => (event.metadata.model !== undefined ? [{ ms, model: event.metadata.model }] : []));
  let previous: string | undefined;
  for (const { ms, model } of observed) {
    if (model === UNKNOWN_MODEL) continue;
    if (counts(ms)) {
      increment(tally.models.observations, model);
      if (previous !== undefined && model !== previous) tally.models.switches++;
    }
    previous = model;
  }
}

/**
 * Subagents: a SubagentStart and SubagentStop pair by metadata.agent_id (either may come first);
 * without an id, a stop pairs with the oldest unstopped start of the same type. A start or a stop
 * alone is one subagent too. Duration: the stop payload's duration_ms (Cursor), else stop − start;
 * a subagent still running has none. Type: subagent_type, else "unknown".
 */
function countSubagents(tally: MetricsTally, events: readonly TimedEvent[], counts: (ms: number) => boolean): void {
  interface Subagent {
    type: string;
    start?: TimedEvent;
    stop?: TimedEvent;
  }
  const subagents: Subagent[] = [];
  const byId = new Map<string, Subagent>();
  for (const timed of events) {
    const { event_type: type, metadata, payload } = timed.event;
    if (type !== 'subagent_start' && type !== 'subagent_stop') continue;
    const kind = payload.subagent_type ?? 'unknown';
    const id = metadata.agent_id;
    const known = id !== undefined ? byId.get(id) : subagents.find((agent) => agent.type === kind && agent.start && !agent.stop && !agent.start.event.metadata.agent_id);
    const field = type === 'subagent_start' ? 'start' : 'stop';
    if (known && !known[field]) {
      known[field] = timed;
      if (known.type === 'unknown') known.type = kind;
      continue;
    }
    const agent: Subagent = { type: kind, [field]: timed };
    subagents.push(agent);
    if (id !== undefined) byId.set(id, agent);
  }
  const durations: number[] = [];
  for (const agent of subagents) {
    if (!counts((agent.stop ?? agent.start)!.ms)) continue;
    tally.subagents.count++;
    increment(tally.subagents.types, agent.type);
    const reported = agent.stop ? (agent.stop.event.payload as { duration_ms?: number }).duration_ms : undefined;
    const duration = reported ?? (agent.start && agent.stop ? Math.max(0, agent.stop.ms - agent.start.ms) : undefined);
    if (duration !== undefined) durations.push(duration);
  }
  tally.subagents.duration_ms = sortSamples(durations);
}
