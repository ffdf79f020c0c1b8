// The metrics a person reads, derived from a tally: the same function serves one session, a slice
// of one, and any merge of them (project, platform, period), so every rate is Σ numerators /
// Σ denominators and every percentile comes from the merged samples. Rates are fractions in 0..1.
// A metric whose input no platform in the tally captures is `platform_lacks_input`; one whose
// input could exist but was not seen is `no_data` (METRICS.md: unavailable, never zero).
import type { Platform } from '../event/envelope.ts';
import { ok, ratio, sortedRecord, unavailable, type Metric } from './metric-value.ts';
import type { LineTally, MetricsTally } from './metrics-tally.ts';
import { summarize, summarizeOrNoData, type DistributionSummary } from './percentile.ts';
import { tokenView, type PriceOf, type TokenView } from './token-usage.ts';

export interface DeriveOptions {
  priceOf?: PriceOf;
}

export interface LineView extends LineTally {
  net_lines: number;
}

export interface ToolUsageView {
  calls: number;
  executions: number;
  succeeded: number;
  failed: number;
  interrupted: number;
  denied: number;
  pending: number;
  /** succeeded / executions. */
  success_rate: Metric<number>;
  latency_ms: Metric<DistributionSummary>;
}

export interface MetricsView {
  acceptance: {
    /** Claude Code edit proposals (PreToolUse of Edit, Write, MultiEdit, NotebookEdit). */
    proposals: number;
    accepted: number;
    accepted_not_reverted: number;
    rejected: number;
    rejected_by: { interrupt: number; permission_denied: number; no_outcome: number };
    /** The edit tool itself errored; never reached the user's judgement but is not accepted code. */
    failed: number;
    /** No outcome yet and no boundary since: left out of the rate until decided. */
    pending: number;
    /** accepted_not_reverted / (proposals − pending). */
    acceptance_rate: Metric<number>;
    time_to_accept_ms: Metric<DistributionSummary>;
    time_to_reject_ms: Metric<DistributionSummary>;
    /** Edits that landed: accepted Claude edits, Cursor afterFileEdit. */
    applied_edits: number;
    reverted_edits: number;
    /** reverted_edits / applied_edits. */
    revert_rate: Metric<number>;
    partial_accept_rate: Metric<number>;
    /**
     * Cursor: accepted / (accepted + rejected) code blocks of the composer, as Cursor itself
     * recorded them in state.vscdb (METRICS.md: the true accept rate the hooks cannot see).
     */
    composer_block_accept_rate: Metric<number>;
    /** Re-edits of a file within 5 min of its previous edit. */
    iterations: number;
    /** iterations / applied edits with a known file. */
    refinement_rate: Metric<number>;
  };
  errors: {
    executions: number;
    errors: number;
    interruptions: number;
    denials: number;
    /** errors / executions (interrupts are not errors; they count in interruption_rate). */
    tool_error_rate: Metric<number>;
    /** interruptions / decided calls (calls − pending). */
    interruption_rate: Metric<number>;
    error_classes: Record<string, number>;
  };
  latency: {
    per_tool: Record<string, Metric<DistributionSummary>>;
    all_tools: Metric<DistributionSummary>;
    response_time_ms: Metric<DistributionSummary>;
    think_time_ms: Metric<DistributionSummary>;
    prompt_gap_ms: Metric<DistributionSummary>;
    /** First to last event (summed over the sessions of a merged view). */
    duration_ms: number;
    active_time_ms: number;
    idle_time_ms: number;
  };
  tokens: TokenView;
  code: LineView & {
    per_extension: Record<string, LineView>;
    /** Lines added by applied edits that were not reverted. */
    kept_lines_added: number;
    files_touched: number;
    new_files: number;
    /** new files / files touched, over the platforms that say whether a file is new (Claude Code). */
    new_file_rate: Metric<number>;
    churn: LineView & { rate: Metric<number> };
    /** Cursor Tab completions (afterTabFileEdit), kept apart from the agent's edits. */
    tab: LineView;
  };
  usage: {
    tool_calls: number;
    tools: Record<string, ToolUsageView>;
    most_used_tool: Metric<string>;
    /** Shannon entropy of calls per tool divided by ln(distinct tools): 0 = one tool, 1 = even use. */
    tool_diversity: Metric<number>;
    prompts: number;
    prompt_chars: Metric<DistributionSummary>;
    prompt_words: Metric<DistributionSummary>;
    compactions: number;
    compaction_triggers: Record<string, number>;
    /** compactions / active hours. */
    compactions_per_hour: Metric<number>;
    subagents: { count: number; types: Record<string, number>; duration_ms: Metric<DistributionSummary> };
    models: { distribution: Record<string, { observations: number; share: number }>; switches: number };
    session_sources: Metric<Record<string, number>>;
  };
  quality: { events: number; duplicates: number; invalid_timestamps: number; hook_errors: number };
}

const HOUR_MS = 3_600_000;

/** What each platform's hooks can supply, for the reason of an unavailable metric. */
const CAPTURES: Record<'edit_proposals' | 'new_file_flag' | 'session_source', readonly Platform[]> = {
  edit_proposals: ['claude_code'],
  new_file_flag: ['claude_code'],
  session_source: ['claude_code'],
};

function missing(tally: MetricsTally, input: keyof typeof CAPTURES, lacking: string, empty: string): Metric<never> {
  const supplied = CAPTURES[input].some((platform) => tally.platforms[platform] > 0);
  return supplied ? unavailable('no_data', empty) : unavailable('platform_lacks_input', lacking);
}

function noData(detail: string): Metric<never> {
  return unavailable('no_data', detail);
}

function lineView(lines: LineTally): LineView {
  return { ...lines, net_lines: lines.lines_added - lines.lines_removed };
}

function toolDiversity(calls: readonly number[]): Metric<number> {
  const used = calls.filter((count) => count > 0);
  if (used.length === 0) return noData('no tool was called');
  if (used.length === 1) return ok(0);
  const total = used.reduce((sum, count) => sum + count, 0);
  let entropy = 0;
  for (const count of used) entropy -= (count / total) * Math.log(count / total);
  return ok(entropy / Math.log(used.length));
}

export function deriveMetrics(tally: MetricsTally, options: DeriveOptions = {}): MetricsView {
  const { acceptance, applied, timing, code } = tally;
  const toolNames = Object.keys(tally.tools).sort();
  let executions = 0;
  let errors = 0;
  let interruptions = 0;
  let denials = 0;
  let calls = 0;
  let pendingCalls = 0;
  let allLatencies: number[] = [];
  const tools: Record<string, ToolUsageView> = {};
  const perTool: Record<string, Metric<DistributionSummary>> = {};
  for (const name of toolNames) {
    const tool = tally.tools[name]!;
    executions += tool.executions;
    errors += tool.failed;
    interruptions += tool.interrupted;
    denials += tool.denied;
    calls += tool.calls;
    pendingCalls += tool.pending;
    allLatencies = allLatencies.concat(tool.latency_ms);
    perTool[name] = summarizeOrNoData(tool.latency_ms, `${name} call that ran to an end with a duration`);
    tools[name] = {
      calls: tool.calls,
      executions: tool.executions,
      succeeded: tool.succeeded,
      failed: tool.failed,
      interrupted: tool.interrupted,
      denied: tool.denied,
      pending: tool.pending,
      success_rate: ratio(tool.succeeded, tool.executions, noData(`no ${name} call ran to an outcome`)),
      latency_ms: perTool[name],
    };
  }
  allLatencies.sort((a, b) => a - b);
  let mostUsed: string | undefined;
  for (const name of toolNames) if (mostUsed === undefined || tools[name]!.calls > tools[mostUsed]!.calls) mostUsed = name;

  const decided = acceptance.proposals - acceptance.pending;
  const noProposals = missing(
    tally,
    'edit_proposals',
    'Cursor captures no edit proposals (its preToolUse is a permission hook we do not register); see applied_edits',
    'no edit proposal was decided',
  );
  const observations = Object.values(tally.models.observations).reduce((sum, count) => sum + count, 0);
  const distribution: Record<string, { observations: number; share: number }> = {};
  for (const model of Object.keys(tally.models.observations).sort()) {
    const count = tally.models.observations[model]!;
    distribution[model] = { observations: count, share: count / observations };
  }
  const changed = code.churn.lines_added + code.churn.lines_removed;
  const allChanged = code.lines.lines_added + code.lines.lines_removed;
  const extensions: Record<string, LineView> = {};
  for (const extension of Object.keys(code.per_extension).sort()) extensions[extension] = lineView(code.per_extension[extension]!);

  return {
    acceptance: {
      proposals: acceptance.proposals,
      accepted: acceptance.accepted,
      accepted_not_reverted: acceptance.accepted_not_reverted,
      rejected: acceptance.rejected,
      rejected_by: {
        interrupt: acceptance.rejected_interrupt,
        permission_denied: acceptance.rejected_permission_denied,
        no_outcome: acceptance.rejected_no_outcome,
      },
      failed: acceptance.failed,
      pending: acceptance.pending,
      acceptance_rate: ratio(acceptance.accepted_not_reverted, decided, noProposals),
      time_to_accept_ms: summarize(acceptance.time_to_accept_ms, decided > 0 ? noData('no proposal was accepted') : noProposals),
      time_to_reject_ms: summarize(acceptance.time_to_reject_ms, decided > 0 ? noData('no proposal was rejected') : noProposals),
      applied_edits: applied.edits,
      reverted_edits: applied.reverted,
      revert_rate: ratio(applied.reverted, applied.edits, noData('no edit was applied')),
      partial_accept_rate: unavailable(
        'not_observable',
        "a person's own edits after an accept reach no hook (Claude Code's tool_response.userModified is not captured; Cursor reports none)",
      ),
      composer_block_accept_rate: ratio(
        tally.composer.accepted_blocks,
        tally.composer.accepted_blocks + tally.composer.rejected_blocks,
        tally.platforms.cursor > 0
          ? noData('no Cursor composer snapshot with accepted or rejected code blocks (the Cursor monitor reads them from state.vscdb)')
          : unavailable('platform_lacks_input', "only Cursor's own database records which composer code blocks were accepted"),
      ),
      iterations: applied.reedits,
      refinement_rate: ratio(applied.reedits, applied.with_file, noData('no edit of a known file was applied')),
    },
    errors: {
      executions,
      errors,
      interruptions,
      denials,
      tool_error_rate: ratio(errors, executions, noData('no tool call ran to an outcome')),
      interruption_rate: ratio(interruptions, calls - pendingCalls, noData('no tool call was decided')),
      error_classes: sortedRecord(tally.error_classes),
    },
    latency: {
      per_tool: perTool,
      all_tools: summarizeOrNoData(allLatencies, 'tool call that ran to an end with a duration'),
      response_time_ms: summarizeOrNoData(timing.response_time_ms, 'prompt followed by a response'),
      think_time_ms: summarizeOrNoData(timing.think_time_ms, 'prompt after an answer (within the idle gap)'),
      prompt_gap_ms: summarizeOrNoData(timing.prompt_gap_ms, 'pair of consecutive prompts'),
      duration_ms: timing.span_ms,
      active_time_ms: timing.active_ms,
      idle_time_ms: timing.span_ms - timing.active_ms,
    },
    tokens: tokenView(
      tally.tokens.per_model,
      tally.tokens.records,
      noData(
        tally.platforms.claude_code > 0
          ? 'no token usage was seen (Claude Code tokens come from the transcript monitor; Cursor from hook payloads that carry them)'
          : 'no Cursor hook payload carried token counts',
      ),
      options.priceOf,
    ),
    code: {
      ...lineView(code.lines),
      per_extension: extensions,
      kept_lines_added: code.kept_lines_added,
      files_touched: new Set([...code.files.claude_code, ...code.files.cursor]).size,
      new_files: code.new_files.length,
      new_file_rate: ratio(
        code.new_files.length,
        code.files.claude_code.length,
        missing(tally, 'new_file_flag', 'Cursor does not say whether an edited file is new', 'no file was edited'),
      ),
      churn: { ...lineView(code.churn), rate: ratio(changed, allChanged, noData('no line was changed')) },
      tab: lineView(code.tab),
    },
    usage: {
      tool_calls: calls,
      tools,
      most_used_tool: mostUsed === undefined ? noData('no tool was called') : ok(mostUsed),
      tool_diversity: toolDiversity(toolNames.map((name) => tools[name]!.calls)),
      prompts: tally.prompts.count,
      prompt_chars: summarizeOrNoData(tally.prompts.chars, 'prompt length'),
      prompt_words: summarizeOrNoData(tally.prompts.words, 'prompt length'),
      compactions: tally.compactions.count,
      compaction_triggers: sortedRecord(tally.compactions.triggers),
      compactions_per_hour: timing.active_ms > 0 ? ok(tally.compactions.count / (timing.active_ms / HOUR_MS)) : noData('no active time'),
      subagents: {
        count: tally.subagents.count,
        types: sortedRecord(tally.subagents.types),
        duration_ms: summarizeOrNoData(tally.subagents.duration_ms, 'subagent duration'),
      },
      models: { distribution, switches: tally.models.switches },
      session_sources:
        Object.keys(tally.session_sources).length > 0
          ? ok(sortedRecord(tally.session_sources))
          : missing(tally, 'session_source', 'Cursor sessionStart carries no source', 'no SessionStart was seen'),
    },
    quality: { events: tally.events, ...tally.quality },
  };
}
