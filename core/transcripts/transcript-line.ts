// One line of a Claude Code transcript (reference/claude-code.md §4) turned into sanitized facts:
// the token usage of an assistant line, and the session it belongs to. Everything else in the line
// (message text, thinking, tool inputs and results, paths, branch names, titles) is dropped here;
// the working directory survives only as a keyed hash.
import { asString, count, isRecord, pathHash, safeId, safeModel, safeVersion, vocabulary, type Hasher } from '../capture/safe-values.ts';

/** Token counts of one API response, in disjoint categories. */
export interface TranscriptTokens {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** The usage of one API response as one transcript line reports it (sanitized). */
export interface UsageRecord {
  /** Keyed hash of message.id + requestId: the dedupe key, shared by every line of one response. */
  messageKey: string;
  sessionId: string;
  /** Absent for `<synthetic>` lines and names that do not look like a model id. */
  model?: string;
  /** ISO-8601 UTC of the line. */
  timestamp: string;
  tokens: TranscriptTokens;
  isSidechain: boolean;
  agentId?: string;
  /** Keyed hash of the line's cwd. */
  workspaceHash?: string;
  claudeVersion?: string;
  speed?: string;
  serviceTier?: string;
  inferenceGeo?: string;
  webSearchRequests?: number;
  webFetchRequests?: number;
  /** The line carries a stop_reason, so its usage is the response's final usage (Claude Code ≥ 2.1.97). */
  final: boolean;
  isApiError: boolean;
}

/** A line that names its session and time: enough to know a session existed (backfill). */
export interface SessionSighting {
  sessionId: string;
  timestamp: string;
  workspaceHash?: string;
}

export type CorruptReason = 'invalid_json' | 'not_an_object';

export type ParsedLine =
  | { kind: 'usage'; usage: UsageRecord; sighting: SessionSighting }
  | { kind: 'sighting'; sighting: SessionSighting }
  | { kind: 'ignored' }
  | { kind: 'corrupt'; reason: CorruptReason };

/** Closed vocabularies (anything else becomes "other"): the API's documented values. */
const SERVICE_TIERS = ['standard', 'priority', 'batch', 'flex', 'scale'];
const INFERENCE_GEOS = ['global', 'us', 'eu', 'not_available'];

export function tokenTotal(tokens: TranscriptTokens): number {
  return tokens.input + tokens.output + tokens.cacheWrite5m + tokens.cacheWrite1h + tokens.cacheRead;
}

const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export function isoTimestamp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Claude Code writes Date#toISOString output: keep it as is without a parse per line.
  if (CANONICAL_ISO.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * Cache writes split by lifetime. The nested `cache_creation` breakdown wins when it has tokens
 * (Claude Code 2.1.152 fixed a total of 0 next to a non-zero breakdown); otherwise the total is
 * counted as 5-minute writes, the API's default lifetime.
 */
function cacheWrites(usage: Record<string, unknown>): Pick<TranscriptTokens, 'cacheWrite5m' | 'cacheWrite1h'> {
  const breakdown = isRecord(usage.cache_creation) ? usage.cache_creation : undefined;
  const fiveMinutes = count(breakdown?.ephemeral_5m_input_tokens) ?? 0;
  const oneHour = count(breakdown?.ephemeral_1h_input_tokens) ?? 0;
  if (fiveMinutes + oneHour > 0) return { cacheWrite5m: fiveMinutes, cacheWrite1h: oneHour };
  return { cacheWrite5m: count(usage.cache_creation_input_tokens) ?? 0, cacheWrite1h: 0 };
}

/** The dedupe key: message.id + requestId, message.id alone, or, without either, the line itself. */
function responseKey(line: Record<string, unknown>, message: Record<string, unknown>, sessionId: string): string {
  const messageId = asString(message.id);
  const requestId = asString(line.requestId);
  if (messageId) return requestId ? `${messageId}:${requestId}` : messageId;
  return `line:${sessionId}:${asString(line.uuid) ?? `${asString(line.timestamp) ?? ''}:${JSON.stringify(message.usage)}`}`;
}

function sightingOf(line: Record<string, unknown>, hash: Hasher): SessionSighting | undefined {
  const sessionId = safeId(line.sessionId, hash);
  const timestamp = isoTimestamp(line.timestamp);
  if (!sessionId || !timestamp) return undefined;
  const cwd = asString(line.cwd);
  return { sessionId, timestamp, workspaceHash: cwd ? pathHash(cwd, hash) : undefined };
}

function usageOf(line: Record<string, unknown>, sighting: SessionSighting, hash: Hasher): UsageRecord | undefined {
  const message = isRecord(line.message) ? line.message : undefined;
  const usage = message && isRecord(message.usage) ? message.usage : undefined;
  if (!message || !usage) return undefined;
  if (line.type !== 'assistant' && !(line.type === undefined && message.role === 'assistant')) return undefined;
  const serverTools = isRecord(usage.server_tool_use) ? usage.server_tool_use : undefined;
  return {
    messageKey: hash(responseKey(line, message, sighting.sessionId)),
    sessionId: sighting.sessionId,
    model: safeModel(message.model),
    timestamp: sighting.timestamp,
    tokens: {
      input: count(usage.input_tokens) ?? 0,
      output: count(usage.output_tokens) ?? 0,
      ...cacheWrites(usage),
      cacheRead: count(usage.cache_read_input_tokens) ?? 0,
    },
    isSidechain: line.isSidechain === true,
    agentId: safeId(line.agentId, hash),
    workspaceHash: sighting.workspaceHash,
    claudeVersion: safeVersion(line.version),
    speed: vocabulary(usage.speed, ['standard', 'fast']),
    serviceTier: vocabulary(usage.service_tier, SERVICE_TIERS),
    inferenceGeo: vocabulary(usage.inference_geo, INFERENCE_GEOS),
    webSearchRequests: count(serverTools?.web_search_requests),
    webFetchRequests: count(serverTools?.web_fetch_requests),
    final: typeof message.stop_reason === 'string' && message.stop_reason !== '',
    isApiError: line.isApiErrorMessage === true,
  };
}

/** Parses one complete line (without its newline). Never throws. */
export function parseTranscriptLine(text: string, hash: Hasher): ParsedLine {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return { kind: 'corrupt', reason: 'invalid_json' };
  }
  if (!isRecord(line)) return { kind: 'corrupt', reason: 'not_an_object' };
  const sighting = sightingOf(line, hash);
  if (!sighting) return { kind: 'ignored' };
  const usage = usageOf(line, sighting, hash);
  return usage ? { kind: 'usage', usage, sighting } : { kind: 'sighting', sighting };
}
