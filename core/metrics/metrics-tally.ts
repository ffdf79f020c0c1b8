// The mergeable state behind every metric: counts, numerators and denominators, exact sample sets,
// per-key histograms and sets of file hashes. Merging is associative and commutative (sums, sorted
// multiset unions, sorted set unions), so a project / platform / period view is the merge of its
// sessions' (or session slices') tallies, and the values derived from it do not depend on the order
// the sessions were merged in: a full rebuild equals the incremental path. Plain JSON, no Map/Set,
// so a worker can store it as is.
import type { Platform } from '../event/envelope.ts';
import { addCounts, sortedRecord, unionSorted } from './metric-value.ts';
import { mergeSamples } from './percentile.ts';
import { addTokens, type TokenCounts } from './token-usage.ts';

export interface ToolTally {
  /** Every call seen, pending ones included. */
  calls: number;
  /** Calls that ran to an outcome event: succeeded + failed + interrupted with a PostToolUseFailure. */
  executions: number;
  succeeded: number;
  failed: number;
  /** Interrupts with an outcome, and starts left without one at a boundary. */
  interrupted: number;
  denied: number;
  pending: number;
  latency_ms: number[];
}

export interface LineTally {
  edits: number;
  lines_added: number;
  lines_removed: number;
}

export interface MetricsTally {
  /** Session tallies merged in, per platform (a session sliced into windows counts once per slice). */
  platforms: Record<Platform, number>;
  /** Events counted (after deduplication), in the window. */
  events: number;
  quality: { duplicates: number; invalid_timestamps: number; hook_errors: number };
  acceptance: {
    proposals: number;
    accepted: number;
    accepted_not_reverted: number;
    rejected: number;
    rejected_interrupt: number;
    rejected_permission_denied: number;
    rejected_no_outcome: number;
    failed: number;
    pending: number;
    time_to_accept_ms: number[];
    time_to_reject_ms: number[];
  };
  /**
   * Cursor's own verdicts on the code blocks its composer proposed (state.vscdb), from each
   * session's latest composer snapshot: the accept rate Cursor's hooks cannot see.
   */
  composer: { sessions: number; accepted_blocks: number; rejected_blocks: number };
  /** Applied edits of both platforms (Claude: accepted edit calls; Cursor: afterFileEdit). */
  applied: { edits: number; reverted: number; reedits: number; with_file: number };
  tools: Record<string, ToolTally>;
  /** Failures and interrupts with an outcome event, by ErrorClass. */
  error_classes: Record<string, number>;
  timing: { span_ms: number; active_ms: number; response_time_ms: number[]; think_time_ms: number[]; prompt_gap_ms: number[] };
  prompts: { count: number; chars: number[]; words: number[] };
  compactions: { count: number; triggers: Record<string, number> };
  subagents: { count: number; types: Record<string, number>; duration_ms: number[] };
  models: { observations: Record<string, number>; switches: number };
  session_sources: Record<string, number>;
  tokens: { records: number; per_model: Record<string, TokenCounts> };
  code: {
    lines: LineTally;
    /** Lines added by applied edits that were not reverted (the productivity score's input). */
    kept_lines_added: number;
    per_extension: Record<string, LineTally>;
    /** Distinct file hashes edited, per platform (only Claude Code says whether a file is new). */
    files: Record<Platform, string[]>;
    new_files: string[];
    churn: LineTally;
    tab: LineTally;
  };
}

export function emptyLines(): LineTally {
  return { edits: 0, lines_added: 0, lines_removed: 0 };
}

export function emptyToolTally(): ToolTally {
  return { calls: 0, executions: 0, succeeded: 0, failed: 0, interrupted: 0, denied: 0, pending: 0, latency_ms: [] };
}

export function emptyTally(): MetricsTally {
  return {
    platforms: { claude_code: 0, cursor: 0 },
    events: 0,
    quality: { duplicates: 0, invalid_timestamps: 0, hook_errors: 0 },
    acceptance: {
      proposals: 0,
      accepted: 0,
      accepted_not_reverted: 0,
      rejected: 0,
      rejected_interrupt: 0,
      rejected_permission_denied: 0,
      rejected_no_outcome: 0,
      failed: 0,
      pending: 0,
      time_to_accept_ms: [],
      time_to_reject_ms: [],
    },
    composer: { sessions: 0, accepted_blocks: 0, rejected_blocks: 0 },
    applied: { edits: 0, reverted: 0, reedits: 0, with_file: 0 },
    tools: {},
    error_classes: {},
    timing: { span_ms: 0, active_ms: 0, response_time_ms: [], think_time_ms: [], prompt_gap_ms: [] },
    prompts: { count: 0, chars: [], words: [] },
    compactions: { count: 0, triggers: {} },
    subagents: { count: 0, types: {}, duration_ms: [] },
    models: { observations: {}, switches: 0 },
    session_sources: {},
    tokens: { records: 0, per_model: {} },
    code: {
      lines: emptyLines(),
      kept_lines_added: 0,
      per_extension: {},
      files: { claude_code: [], cursor: [] },
      new_files: [],
      churn: emptyLines(),
      tab: emptyLines(),
    },
  };
}

export function addLines(a: LineTally, b: LineTally): LineTally {
  return { edits: a.edits + b.edits, lines_added: a.lines_added + b.lines_added, lines_removed: a.lines_removed + b.lines_removed };
}

function mergeToolTally(a: ToolTally, b: ToolTally): ToolTally {
  return {
    calls: a.calls + b.calls,
    executions: a.executions + b.executions,
    succeeded: a.succeeded + b.succeeded,
    failed: a.failed + b.failed,
    interrupted: a.interrupted + b.interrupted,
    denied: a.denied + b.denied,
    pending: a.pending + b.pending,
    latency_ms: mergeSamples(a.latency_ms, b.latency_ms),
  };
}

function mergeKeyed<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, merge: (x: T, y: T) => T): Record<string, T> {
  const merged: Record<string, T> = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[key];
    const y = b[key];
    merged[key] = x !== undefined && y !== undefined ? merge(x, y) : (x ?? y)!;
  }
  return merged;
}

function sumFields<T extends Record<string, number>>(a: T, b: T): T {
  const sum = { ...a };
  for (const key of Object.keys(b) as Array<keyof T>) sum[key] = ((a[key] ?? 0) + (b[key] ?? 0)) as T[keyof T];
  return sum;
}

export function mergeTallies(a: MetricsTally, b: MetricsTally): MetricsTally {
  return {
    platforms: sumFields(a.platforms, b.platforms),
    events: a.events + b.events,
    quality: sumFields(a.quality, b.quality),
    acceptance: {
      proposals: a.acceptance.proposals + b.acceptance.proposals,
      accepted: a.acceptance.accepted + b.acceptance.accepted,
      accepted_not_reverted: a.acceptance.accepted_not_reverted + b.acceptance.accepted_not_reverted,
      rejected: a.acceptance.rejected + b.acceptance.rejected,
      rejected_interrupt: a.acceptance.rejected_interrupt + b.acceptance.rejected_interrupt,
      rejected_permission_denied: a.acceptance.rejected_permission_denied + b.acceptance.rejected_permission_denied,
      rejected_no_outcome: a.acceptance.rejected_no_outcome + b.acceptance.rejected_no_outcome,
      failed: a.acceptance.failed + b.acceptance.failed,
      pending: a.acceptance.pending + b.acceptance.pending,
      time_to_accept_ms: mergeSamples(a.acceptance.time_to_accept_ms, b.acceptance.time_to_accept_ms),
      time_to_reject_ms: mergeSamples(a.acceptance.time_to_reject_ms, b.acceptance.time_to_reject_ms),
    },
    composer: sumFields(a.composer, b.composer),
    applied: sumFields(a.applied, b.applied),
    tools: mergeKeyed(a.tools, b.tools, mergeToolTally),
    error_classes: addCounts(a.error_classes, b.error_classes),
    timing: {
      span_ms: a.timing.span_ms + b.timing.span_ms,
      active_ms: a.timing.active_ms + b.timing.active_ms,
      response_time_ms: mergeSamples(a.timing.response_time_ms, b.timing.response_time_ms),
      think_time_ms: mergeSamples(a.timing.think_time_ms, b.timing.think_time_ms),
      prompt_gap_ms: mergeSamples(a.timing.prompt_gap_ms, b.timing.prompt_gap_ms),
    },
    prompts: {
      count: a.prompts.count + b.prompts.count,
      chars: mergeSamples(a.prompts.chars, b.prompts.chars),
      words: mergeSamples(a.prompts.words, b.prompts.words),
    },
    compactions: { count: a.compactions.count + b.compactions.count, triggers: addCounts(a.compactions.triggers, b.compactions.triggers) },
    subagents: {
      count: a.subagents.count + b.subagents.count,
      types: addCounts(a.subagents.types, b.subagents.types),
      duration_ms: mergeSamples(a.subagents.duration_ms, b.subagents.duration_ms),
    },
    models: { observations: addCounts(a.models.observations, b.models.observations), switches: a.models.switches + b.models.switches },
    session_sources: addCounts(a.session_sources, b.session_sources),
    tokens: { records: a.tokens.records + b.tokens.records, per_model: mergeKeyed(a.tokens.per_model, b.tokens.per_model, addTokens) },
    code: {
      lines: addLines(a.code.lines, b.code.lines),
      kept_lines_added: a.code.kept_lines_added + b.code.kept_lines_added,
      per_extension: mergeKeyed(a.code.per_extension, b.code.per_extension, addLines),
      files: { claude_code: unionSorted(a.code.files.claude_code, b.code.files.claude_code), cursor: unionSorted(a.code.files.cursor, b.code.files.cursor) },
      new_files: unionSorted(a.code.new_files, b.code.new_files),
      churn: addLines(a.code.churn, b.code.churn),
      tab: addLines(a.code.tab, b.code.tab),
    },
  };
}

/**
 * Merges many tallies pairwise in a balanced tree: the same result as merging them one by one
 * (the merge is associative and commutative), but each sample is copied log2(n) times, not n.
 */
export function mergeAllTallies(tallies: readonly MetricsTally[]): MetricsTally {
  if (tallies.length === 0) return emptyTally();
  if (tallies.length === 1) return tallies[0]!;
  const middle = Math.floor(tallies.length / 2);
  return mergeTallies(mergeAllTallies(tallies.slice(0, middle)), mergeAllTallies(tallies.slice(middle)));
}

/** Puts every record's keys in sorted order, so equal tallies serialize to equal JSON. */
export function normalizeTally(tally: MetricsTally): MetricsTally {
  tally.tools = sortedRecord(tally.tools);
  tally.error_classes = sortedRecord(tally.error_classes);
  tally.compactions.triggers = sortedRecord(tally.compactions.triggers);
  tally.subagents.types = sortedRecord(tally.subagents.types);
  tally.models.observations = sortedRecord(tally.models.observations);
  tally.session_sources = sortedRecord(tally.session_sources);
  tally.tokens.per_model = sortedRecord(tally.tokens.per_model);
  tally.code.per_extension = sortedRecord(tally.code.per_extension);
  return tally;
}
