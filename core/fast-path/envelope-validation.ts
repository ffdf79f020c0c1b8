// Checks an incoming event against envelope v1 before anything is stored: stream entries
// (fields event_id, event_type, platform, data, as streamEntryFields writes them) and spool lines
// (the bare JSON). Whatever fails gets a reason code, goes to the dead-letter stream and is
// acknowledged; nothing here throws, whatever the input. Details describe the problem without
// quoting the input, so they are safe to log.
//
// Unknown extra fields are accepted and kept (a newer hook may add some); the fields every reader
// relies on must be present and well-formed.
import { ENVELOPE_VERSION, EVENT_TYPES } from '../event/envelope.ts';
import type { TelemetryEvent } from '../event/envelope.ts';
import { isUuid } from '../event/uuid-v7.ts';

/** Largest event accepted. Sanitized events are a few hundred bytes (counts, names and hashes). */
export const MAX_EVENT_BYTES = 64 * 1024;
const MAX_SESSION_ID_CHARS = 256;

export type InvalidReason =
  | 'missing_field'
  | 'too_large'
  | 'invalid_json'
  | 'not_an_object'
  | 'unsupported_version'
  | 'invalid_event_id'
  | 'unknown_platform'
  | 'unknown_event_type'
  | 'invalid_timestamp'
  | 'invalid_session_id'
  | 'invalid_hook_type'
  | 'invalid_metadata'
  | 'invalid_payload'
  | 'event_id_mismatch'
  | 'field_mismatch';

export type Validation =
  | { ok: true; event: TelemetryEvent; json: string }
  | { ok: false; reason: InvalidReason; detail: string };

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function invalid(reason: InvalidReason, detail: string): Validation {
  return { ok: false, reason, detail };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A spool line or a stream entry's `data`: JSON text of one envelope. */
export function validateEventJson(json: string): Validation {
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit: the exact size is computed only when it could matter.
  if (json.length > MAX_EVENT_BYTES || (json.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(json) > MAX_EVENT_BYTES)) {
    return invalid('too_large', `${Buffer.byteLength(json)} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return invalid('invalid_json', 'data is not JSON');
  }
  if (!isObject(parsed)) return invalid('not_an_object', 'data is not a JSON object');
  if (parsed.v !== ENVELOPE_VERSION) return invalid('unsupported_version', `v is not ${ENVELOPE_VERSION}`);
  if (typeof parsed.event_id !== 'string' || !isUuid(parsed.event_id)) return invalid('invalid_event_id', 'event_id is not a UUID');
  if (parsed.platform !== 'claude_code' && parsed.platform !== 'cursor') return invalid('unknown_platform', 'platform is not claude_code or cursor');
  if (typeof parsed.event_type !== 'string' || !EVENT_TYPE_SET.has(parsed.event_type)) return invalid('unknown_event_type', 'event_type is not one of EVENT_TYPES');
  if (typeof parsed.timestamp !== 'string' || !ISO_TIMESTAMP.test(parsed.timestamp) || Number.isNaN(Date.parse(parsed.timestamp))) {
    return invalid('invalid_timestamp', 'timestamp is not ISO-8601');
  }
  if (typeof parsed.session_id !== 'string' || parsed.session_id === '' || parsed.session_id.length > MAX_SESSION_ID_CHARS) {
    return invalid('invalid_session_id', 'session_id is missing, empty or too long');
  }
  if (typeof parsed.hook_type !== 'string') return invalid('invalid_hook_type', 'hook_type is not a string');
  if (!isObject(parsed.metadata)) return invalid('invalid_metadata', 'metadata is not an object');
  if (!isObject(parsed.payload)) return invalid('invalid_payload', 'payload is not an object');
  return { ok: true, event: parsed as unknown as TelemetryEvent, json };
}

const ENTRY_FIELDS = ['event_id', 'event_type', 'platform', 'data'] as const;

/** A stream entry's field/value list (as XREADGROUP returns it). */
export function validateStreamEntry(fields: readonly string[]): Validation {
  const values: Partial<Record<(typeof ENTRY_FIELDS)[number], string>> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name === 'event_id' || name === 'event_type' || name === 'platform' || name === 'data') values[name] = fields[i + 1];
  }
  for (const name of ENTRY_FIELDS) {
    if (typeof values[name] !== 'string') return invalid('missing_field', name);
  }
  const result = validateEventJson(values.data!);
  if (!result.ok) return result;
  if (result.event.event_id !== values.event_id) return invalid('event_id_mismatch', 'entry event_id differs from data.event_id');
  if (result.event.event_type !== values.event_type || result.event.platform !== values.platform) {
    return invalid('field_mismatch', 'entry event_type or platform differs from data');
  }
  return result;
}
