// One session's rows for the conversation tables, from its events alone (pure: no SQLite, no
// clock). The conversation's totals are the metrics engine's session metrics (acceptance rate,
// tokens, cost, lines, tool calls and errors: one definition of each in the codebase); its turns and
// code changes come from the same engine pieces (prepareSession, matchToolCalls, appliedEdits,
// editProposals, usageRecords, promptTiming), so the turns add up to the conversation's totals.
// Events may come in any order and more than once; only fields the envelope carries are read, and
// of those only hashes, counts, times and names reach a row.
import { appliedEdits, editProposals } from '../metrics/edit-history.ts';
import { publicView } from '../metrics/public-view.ts';
import { prepareSession, type MetricsEvent, type TimedEvent } from '../metrics/session-events.ts';
import { computeSessionMetrics, type SessionMetrics } from '../metrics/session-metrics.ts';
import { promptTiming } from '../metrics/session-timing.ts';
import { matchToolCalls } from '../metrics/tool-calls.ts';
import { totalTokens, usageRecords, type PriceOf } from '../metrics/token-usage.ts';
import { changeRow, codeChanges } from './code-changes.ts';
import type { ConversationRow, ConversationRows } from './conversation-rows.ts';
import { sessionTurns } from './turn-spans.ts';
import { turnRows } from './turn-rows.ts';

export interface BuildOptions {
  priceOf?: PriceOf;
}

/**
 * The rows of one session: `conversationId` is the session's UUID. Throws (RangeError) on no events
 * or events of more than one session, as prepareSession does.
 */
export function buildConversation(events: readonly MetricsEvent[], conversationId: string, options: BuildOptions = {}): ConversationRows {
  const metrics = computeSessionMetrics(events, { priceOf: options.priceOf });
  const session = prepareSession(events);
  const calls = matchToolCalls(session.events);
  const edits = appliedEdits(session.platform, session.events, calls);
  const changes = codeChanges(session.events, editProposals(session.platform, calls, edits), edits);
  const split = sessionTurns(session.events);
  const turns = turnRows({
    conversationId,
    turns: split,
    calls,
    changes,
    records: usageRecords(session.events),
    responseTimes: promptTiming(session.events).responseTimes,
  });
  return {
    conversation: conversationRow(metrics, session.events, conversationId, turns.length),
    turns,
    changes: changes.map((change) => changeRow(change, conversationId, split.ofEvent(change.anchor))),
    metrics: publicView(metrics),
  };
}

function conversationRow(metrics: SessionMetrics, events: readonly TimedEvent[], id: string, turnCount: number): ConversationRow {
  const { acceptance_rate: acceptance } = metrics.acceptance;
  const { total, cost } = metrics.tokens;
  return {
    id,
    session_id: metrics.session_id,
    platform: metrics.platform,
    project_hash: metrics.project_hash ?? null,
    workspace_hash: metrics.workspace_hash ?? null,
    created_at: metrics.first_event_at ?? null,
    updated_at: metrics.last_event_at ?? null,
    ended_at: metrics.ended ? endTime(events) : null,
    end_reason: metrics.end_reason ?? null,
    interaction_count: metrics.usage.prompts,
    turn_count: turnCount,
    tool_call_count: metrics.usage.tool_calls,
    tool_error_count: metrics.errors.errors,
    acceptance_rate: acceptance.status === 'ok' ? acceptance.value : null,
    total_lines_added: metrics.code.lines_added,
    total_lines_removed: metrics.code.lines_removed,
    total_tokens: total.status === 'ok' ? totalTokens(total.value) : null,
    cost_usd: cost.status === 'ok' ? cost.value.usd : null,
  };
}

/** An ended session's last word is its last SessionEnd (productivity-score.ts sessionEnd). */
function endTime(events: readonly TimedEvent[]): string | null {
  const end = events.findLast((timed) => timed.event.event_type === 'session_end');
  return end ? new Date(end.ms).toISOString() : null;
}
