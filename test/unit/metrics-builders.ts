// Small builders for the metrics engine's tests: events of one session at times given in seconds
// after T0, with sequential event ids (so ties and duplicates are under the test's control).
import type { EventMetadata, EventPayload, EventType, Platform, TelemetryEvent } from '../../core/event/envelope.ts';
import type { TokenUsageEvent } from '../../core/metrics/session-events.ts';
import type { ModelPrice, PriceOf } from '../../core/metrics/token-usage.ts';

export const T0 = Date.UTC(2026, 10, 22, 9, 0, 0);

export function at(seconds: number): number {
  return T0 + Math.round(seconds * 1000);
}

export interface SessionBuilder {
  events: TelemetryEvent[];
  /** Adds an event at `seconds` after T0 and returns it. */
  add(type: EventType, seconds: number, payload?: EventPayload, metadata?: Partial<EventMetadata>): TelemetryEvent;
  usage(seconds: number, model: string, tokens: { input?: number; output?: number; cache_read?: number; cache_write?: number }): TokenUsageEvent;
  usageEvents: TokenUsageEvent[];
}

export function session(platform: Platform, sessionId = `${platform}-session`, baseMetadata: Partial<EventMetadata> = { project_hash: 'p1' }): SessionBuilder {
  let sequence = 0;
  const nextId = (): string => `${sessionId}-${String(++sequence).padStart(4, '0')}`;
  const builder: SessionBuilder = {
    events: [],
    usageEvents: [],
    add(type, seconds, payload = {}, metadata = {}) {
      const event: TelemetryEvent = {
        v: 1,
        event_id: nextId(),
        timestamp: new Date(at(seconds)).toISOString(),
        platform,
        session_id: sessionId,
        event_type: type,
        hook_type: type,
        metadata: { hook_version: 'test', ...baseMetadata, ...metadata },
        payload,
      };
      builder.events.push(event);
      return event;
    },
    usage(seconds, model, tokens) {
      const event: TokenUsageEvent = {
        v: 1,
        event_id: nextId(),
        timestamp: new Date(at(seconds)).toISOString(),
        platform,
        session_id: sessionId,
        event_type: 'token_usage',
        hook_type: 'transcript',
        metadata: { hook_version: 'test', ...baseMetadata, model },
        payload: { input_tokens: tokens.input, output_tokens: tokens.output, cache_read_tokens: tokens.cache_read, cache_write_tokens: tokens.cache_write },
      };
      builder.usageEvents.push(event);
      return event;
    },
  };
  return builder;
}

/** A deterministic shuffle (so a failing order can be reproduced). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

export const OPUS = 'claude-opus-4-5';
export const HAIKU = 'claude-haiku-4-5';

/** Opus-like prices, USD per million tokens; every other model is unknown. */
export const OPUS_PRICE: ModelPrice = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
export const priceOf: PriceOf = (model) => (model === OPUS ? OPUS_PRICE : undefined);
