// The rows of conversation_turns: what each turn (turn-spans.ts) holds, from the engine's own
// tool calls, code changes, usage records and response times, so that the turns add up to the
// conversation's totals. What counts in a turn:
//   tool call     the turn of its PreToolUse (its outcome where no start was captured: Cursor)
//   code change   the turn of its anchor (code-changes.ts); lines only for edits that landed
//   usage record  the turn at its time (turn-spans.ts atTime)
//   latency       the engine's response time of the turn's prompt (session-timing.ts)
// Model: among the turn's usage records naming a model, the one with the most tokens (ties: first
// by name); else the last model an event of the turn names; else none.
// Turn 0 (before the first prompt) is a row only if a tool call, code change or usage record counts
// in it: a bare SessionStart is no turn, while a resumed session's leftover tool calls or usage
// records, or a session without prompts that did work (a Cursor background run), are one.
import type { TimedSample } from '../metrics/session-timing.ts';
import type { ToolCall } from '../metrics/tool-calls.ts';
import { totalTokens, UNKNOWN_MODEL, type UsageRecord } from '../metrics/token-usage.ts';
import type { CodeChange } from './code-changes.ts';
import { turnId, type TurnRow } from './conversation-rows.ts';
import type { SessionTurns, TurnSpan } from './turn-spans.ts';

export interface TurnInputs {
  conversationId: string;
  turns: SessionTurns;
  calls: readonly ToolCall[];
  changes: readonly CodeChange[];
  records: readonly UsageRecord[];
  /** promptTiming's samples: one per answered prompt, at the prompt's time, in prompt order. */
  responseTimes: readonly TimedSample[];
}

interface TurnTally {
  items: number;
  calls: number;
  errors: number;
  added: number;
  removed: number;
  tokens: number;
  tokensPerModel: Map<string, number>;
}

export function turnRows(inputs: TurnInputs): TurnRow[] {
  const { turns } = inputs;
  const tallies: TurnTally[] = turns.spans.map(() => ({ items: 0, calls: 0, errors: 0, added: 0, removed: 0, tokens: 0, tokensPerModel: new Map() }));
  const tallyOf = (turn: number): TurnTally => tallies[turn]!;
  for (const call of inputs.calls) {
    const tally = tallyOf(turns.ofEvent((call.start ?? call.outcome)!));
    tally.items++;
    tally.calls++;
    if (call.state === 'failed') tally.errors++;
  }
  for (const change of inputs.changes) {
    const tally = tallyOf(turns.ofEvent(change.anchor));
    tally.items++;
    tally.added += change.edit?.added ?? 0;
    tally.removed += change.edit?.removed ?? 0;
  }
  for (const record of inputs.records) {
    const tally = tallyOf(turns.atTime(record.ms));
    const tokens = totalTokens(record);
    tally.items++;
    tally.tokens += tokens;
    tally.tokensPerModel.set(record.model, (tally.tokensPerModel.get(record.model) ?? 0) + tokens);
  }
  const latencies = latencyPerPrompt(turns.spans, inputs.responseTimes);
  const rows: TurnRow[] = [];
  for (const span of turns.spans) {
    const tally = tallyOf(span.number);
    if (!span.prompt && tally.items === 0) continue;
    const first = span.prompt ?? span.events[0]!;
    const payload = span.prompt?.event.payload;
    rows.push({
      id: turnId(inputs.conversationId, span.number),
      conversation_id: inputs.conversationId,
      turn_number: span.number,
      turn_type: span.prompt ? 'user_prompt' : 'session_start',
      content_hash: payload?.prompt_hash ?? null,
      started_at: new Date(first.ms).toISOString(),
      ended_at: new Date(span.events[span.events.length - 1]!.ms).toISOString(),
      prompt_chars: payload?.prompt_chars ?? null,
      prompt_words: payload?.prompt_words ?? null,
      tokens_used: inputs.records.length > 0 ? tally.tokens : null,
      latency_ms: latencies.get(span.number) ?? null,
      tool_calls: tally.calls,
      tool_errors: tally.errors,
      lines_added: tally.added,
      lines_removed: tally.removed,
      model: mostTokens(tally.tokensPerModel) ?? lastNamedModel(span),
    });
  }
  return rows;
}

/**
 * Response time per turn number. The samples follow the prompts in order, one per prompt that was
 * answered, stamped with the prompt's time: walking both lists in step pairs them.
 */
function latencyPerPrompt(spans: readonly TurnSpan[], samples: readonly TimedSample[]): Map<number, number> {
  const latencies = new Map<number, number>();
  let next = 0;
  for (const span of spans) {
    const sample = samples[next];
    if (span.prompt && sample && sample.ms === span.prompt.ms) {
      latencies.set(span.number, sample.value);
      next++;
    }
  }
  return latencies;
}

function mostTokens(tokensPerModel: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  for (const model of [...tokensPerModel.keys()].sort()) {
    if (model !== UNKNOWN_MODEL && (best === undefined || tokensPerModel.get(model)! > tokensPerModel.get(best)!)) best = model;
  }
  return best;
}

function lastNamedModel(span: TurnSpan): string | null {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const model = span.events[i]!.event.metadata.model;
    if (model !== undefined) return model;
  }
  return null;
}
