// The envelope for one API response's token usage read from a transcript: event_type "token_usage",
// hook_type "transcript", the same envelope v1 as the hooks' events. Its event_id is derived from the
// response's key, so reading the transcript again never stores the response twice.
import type { EventMetadata, EventPayload, EventType, TelemetryEvent } from '../event/envelope.ts';
import { ENVELOPE_VERSION } from '../event/envelope.ts';
import { estimateCost, type CostEstimate, type PriceTable } from '../pricing/price-table.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { stableEventId } from './stable-event-id.ts';
import { tokenTotal, type UsageRecord } from './transcript-line.ts';

export const TOKEN_USAGE_EVENT_TYPE = 'token_usage' satisfies EventType;
export const TRANSCRIPT_HOOK_TYPE = 'transcript';

/** The payload fields a token_usage event always carries (EventPayload declares them optional). */
export type TokenUsagePayload = EventPayload &
  Required<Pick<EventPayload, 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens' | 'cache_write_5m_tokens' | 'cache_write_1h_tokens' | 'total_tokens' | 'message_key' | 'is_sidechain' | 'usage_final'>>;

export type TokenUsageEvent = TelemetryEvent & {
  event_type: typeof TOKEN_USAGE_EVENT_TYPE;
  payload: TokenUsagePayload;
};

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

export function tokenUsageEventId(messageKey: string): string {
  return stableEventId('blueplane/token_usage/v1', messageKey);
}

export function buildTokenUsageEvent(record: UsageRecord): TokenUsageEvent {
  const { tokens } = record;
  const metadata: EventMetadata = withoutUndefined({
    model: record.model,
    agent_id: record.agentId,
    workspace_hash: record.workspaceHash,
    // The transcript names only the working directory; the hooks' project_hash is CLAUDE_PROJECT_DIR
    // or that same cwd, so this matches them wherever the session did not change directory.
    project_hash: record.workspaceHash,
    ide_version: record.claudeVersion,
    hook_version: PRODUCT_VERSION,
  });
  return {
    v: ENVELOPE_VERSION,
    event_id: tokenUsageEventId(record.messageKey),
    timestamp: record.timestamp,
    platform: 'claude_code',
    session_id: record.sessionId,
    event_type: TOKEN_USAGE_EVENT_TYPE,
    hook_type: TRANSCRIPT_HOOK_TYPE,
    metadata,
    payload: withoutUndefined({
      input_tokens: tokens.input,
      output_tokens: tokens.output,
      cache_read_tokens: tokens.cacheRead,
      cache_write_tokens: tokens.cacheWrite5m + tokens.cacheWrite1h,
      cache_write_5m_tokens: tokens.cacheWrite5m,
      cache_write_1h_tokens: tokens.cacheWrite1h,
      total_tokens: tokenTotal(tokens),
      message_key: record.messageKey,
      is_sidechain: record.isSidechain,
      usage_final: record.final,
      is_api_error: record.isApiError ? true : undefined,
      speed: record.speed,
      service_tier: record.serviceTier,
      inference_geo: record.inferenceGeo,
      web_search_requests: record.webSearchRequests,
      web_fetch_requests: record.webFetchRequests,
    }),
  };
}

/** The estimated list-price cost of the response (undefined for a model the price table does not know). */
export function estimateTokenUsageCost(event: TokenUsageEvent, table?: PriceTable): CostEstimate | undefined {
  const { payload } = event;
  return estimateCost(
    event.metadata.model,
    {
      input_tokens: payload.input_tokens,
      output_tokens: payload.output_tokens,
      cache_write_5m_tokens: payload.cache_write_5m_tokens,
      cache_write_1h_tokens: payload.cache_write_1h_tokens,
      cache_read_tokens: payload.cache_read_tokens,
    },
    table,
    { speed: payload.speed, inferenceGeo: payload.inference_geo },
  );
}
