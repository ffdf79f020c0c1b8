// Token usage per model, and its cost as an estimate.
//
// Sources, in order of trust; a session uses the first it has, never two (that would count twice):
// 1. token_usage records (the transcript monitor): one per API response, already deduplicated by
//    message id upstream; model from metadata.model.
// 2. Cursor hook payloads: afterAgentResponse (assistant_response) and stop (turn_end) carry
//    undocumented input/output/cache_read/cache_write token counts. Whether the two repeat the same
//    turn's numbers is not documented, so they are taken ONCE PER USER TURN (the events after a
//    user_prompt, up to the next): per field, the largest value any of them carries (the same
//    "keep the largest usage" rule as Claude's transcript lines). Model: the turn's last event
//    naming one, else the last model named earlier in the session, else "unknown".
// Claude Code hooks carry no token counts (the Agent tool's total_tokens is the subagent's total,
// which its transcript records again), so a Claude session without records has no token data.
//
// Cost = (input × price.input + output × price.output + cache_write × price.cacheWrite
//         + cache_read × price.cacheRead) / 1e6, in USD, with prices per million tokens from
// priceOf(model). A model priceOf does not know keeps its tokens and has no cost; the total cost
// is the sum over priced models and names the unpriced ones. Always labelled an estimate.
import { ok, sortedRecord, unavailable, type Metric } from './metric-value.ts';
import type { TimedEvent } from './session-events.ts';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export type PriceOf = (model: string) => ModelPrice | undefined;

export interface TokenCounts {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export interface UsageRecord extends TokenCounts {
  /** When the usage counts for a time window. */
  ms: number;
  model: string;
}

export interface CostEstimate {
  usd: number;
  is_estimate: true;
  /** Models whose tokens are counted but not priced (absent from the price table). */
  unpriced_models: string[];
}

export const UNKNOWN_MODEL = 'unknown';

const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens'] as const;
type TokenFields = Partial<Record<(typeof TOKEN_FIELDS)[number], number>>;

function counted(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function recordOf(ms: number, model: string, fields: TokenFields): UsageRecord {
  return {
    ms,
    model,
    input: counted(fields.input_tokens),
    output: counted(fields.output_tokens),
    cache_read: counted(fields.cache_read_tokens),
    cache_write: counted(fields.cache_write_tokens),
  };
}

function hasTokens(fields: TokenFields): boolean {
  return TOKEN_FIELDS.some((field) => fields[field] !== undefined);
}

export function usageRecords(events: readonly TimedEvent[]): UsageRecord[] {
  const transcript: UsageRecord[] = [];
  for (const timed of events) {
    if (timed.event.event_type === 'token_usage') {
      transcript.push(recordOf(timed.ms, timed.event.metadata.model ?? UNKNOWN_MODEL, timed.event.payload));
    }
  }
  return transcript.length > 0 ? transcript : cursorTurnUsage(events);
}

function cursorTurnUsage(events: readonly TimedEvent[]): UsageRecord[] {
  const records: UsageRecord[] = [];
  let lastModel: string | undefined;
  let turn: { ms: number; model?: string; fields: Required<TokenFields> } | undefined;
  const close = (): void => {
    if (turn) records.push(recordOf(turn.ms, turn.model ?? lastModel ?? UNKNOWN_MODEL, turn.fields));
    turn = undefined;
  };
  for (const timed of events) {
    const { event_type: type, metadata, payload } = timed.event;
    if (type === 'user_prompt') close();
    if ((type === 'assistant_response' || type === 'turn_end') && hasTokens(payload as TokenFields)) {
      turn ??= { ms: timed.ms, fields: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 } };
      turn.ms = timed.ms;
      for (const field of TOKEN_FIELDS) turn.fields[field] = Math.max(turn.fields[field], counted((payload as TokenFields)[field]));
      if (metadata.model) turn.model = metadata.model;
    }
    if (metadata.model) lastModel = metadata.model;
  }
  close();
  return records;
}

export function addTokens(a: TokenCounts, b: TokenCounts): TokenCounts {
  return { input: a.input + b.input, output: a.output + b.output, cache_read: a.cache_read + b.cache_read, cache_write: a.cache_write + b.cache_write };
}

export const NO_TOKENS: TokenCounts = { input: 0, output: 0, cache_read: 0, cache_write: 0 };

export function totalTokens(counts: TokenCounts): number {
  return counts.input + counts.output + counts.cache_read + counts.cache_write;
}

export function costOf(counts: TokenCounts, price: ModelPrice): number {
  return (counts.input * price.input + counts.output * price.output + counts.cache_write * price.cacheWrite + counts.cache_read * price.cacheRead) / 1e6;
}

export interface ModelTokens extends TokenCounts {
  cost_usd: Metric<number>;
}

export interface TokenView {
  per_model: Record<string, ModelTokens>;
  total: Metric<TokenCounts>;
  cost: Metric<CostEstimate>;
}

/** Tokens and cost from per-model totals (integers, so any merge order gives the same result). */
export function tokenView(perModel: Readonly<Record<string, TokenCounts>>, records: number, noData: Metric<never>, priceOf: PriceOf | undefined): TokenView {
  if (records === 0) return { per_model: {}, total: noData, cost: noData };
  const models = Object.keys(perModel).sort();
  const per_model: Record<string, ModelTokens> = {};
  let total = NO_TOKENS;
  let usd = 0;
  let priced = 0;
  const unpriced: string[] = [];
  for (const model of models) {
    const counts = perModel[model]!;
    total = addTokens(total, counts);
    const price = priceOf?.(model);
    let cost: Metric<number>;
    if (!priceOf) cost = unavailable('no_price', 'no price table was given');
    else if (!price) cost = unavailable('no_price', `no price is known for model ${model}`);
    else {
      const usdOfModel = costOf(counts, price);
      cost = ok(usdOfModel);
      usd += usdOfModel;
      priced++;
    }
    per_model[model] = { ...counts, cost_usd: cost };
    if (priceOf && !price) unpriced.push(model);
  }
  const cost: Metric<CostEstimate> =
    priced > 0
      ? ok({ usd, is_estimate: true, unpriced_models: unpriced })
      : unavailable('no_price', priceOf ? `no price is known for ${models.join(', ')}` : 'no price table was given');
  return { per_model: sortedRecord(per_model), total: ok(total), cost };
}
