// How one event becomes one raw_traces row: the denormalized columns the seed's queries filter on,
// and the event's JSON compressed on its own (so any row decodes without its neighbours).
//
// Codec 1 (the `codec` column): packIdentifiers (ids, hashes and times as bytes), then raw deflate
// with preset dictionary v1 (event-dictionaries.ts). Plain deflate gets 1.5× on a ~500-byte
// sanitized event because most of it is random hex; the dictionary removes the repeated keys and
// packing halves the random part: about 4× on realistic events for ~20 µs (see the benchmark).
// A new dictionary or transform is a new codec number; decoding keeps every old one.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Platform, TelemetryEvent } from '../event/envelope.ts';
import { EVENT_DICTIONARIES } from './event-dictionaries.ts';
import { packIdentifiers, unpackIdentifiers } from './identifier-packing.ts';

export const CURRENT_CODEC = 1;

/** One event ready for insertBatch: raw_traces' columns, all computed outside the transaction. */
export interface EncodedEvent {
  event_id: string;
  session_id: string;
  event_type: string;
  platform: Platform;
  timestamp: string;
  workspace_hash: string | null;
  project_hash: string | null;
  model: string | null;
  tool_name: string | null;
  duration_ms: number | null;
  tokens_used: number | null;
  lines_added: number | null;
  lines_removed: number | null;
  event_data: Buffer;
  codec: number;
  /** UTF-8 size of the JSON before compression (not stored; for stats and the benchmark). */
  json_bytes: number;
}

interface CodecParameters {
  dictionary: Buffer;
  // 16 KiB window: the whole dictionary stays in reach of a large event; memLevel 6 keeps the
  // per-call state small, which matters more than match finding for inputs of a few hundred bytes.
  windowBits: number;
  memLevel: number;
  level: number;
  /** Output buffer per call: Node's default (16 KiB) costs ~6 µs more per event than 1 KiB here. */
  chunkSize: number;
}

function codecParameters(codec: number): CodecParameters {
  const dictionary = EVENT_DICTIONARIES.get(codec);
  if (!dictionary) throw new Error(`unknown event codec ${codec}`);
  return { dictionary, windowBits: 14, memLevel: 6, level: 6, chunkSize: 1024 };
}

const CURRENT = codecParameters(CURRENT_CODEC);

function integerOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Tokens an event reports: the total when it gives one, else input + output (cache reads are not "used"). */
function tokensUsed(payload: TelemetryEvent['payload']): number | null {
  const total = integerOrNull(payload.total_tokens);
  if (total !== null) return total;
  const input = integerOrNull(payload.input_tokens);
  const output = integerOrNull(payload.output_tokens);
  return input === null && output === null ? null : (input ?? 0) + (output ?? 0);
}

/**
 * Columns and compressed data of one validated event. `json` is the event's JSON text as it
 * arrived (stream entry or spool line); stored verbatim, so decoding gives back exactly what the
 * hook sent. Without it, the event is serialized here.
 */
export function encodeEvent(event: TelemetryEvent, json: string = JSON.stringify(event)): EncodedEvent {
  const packed = packIdentifiers(json);
  const metadata = event.metadata ?? {};
  const payload = event.payload ?? {};
  return {
    event_id: event.event_id,
    session_id: event.session_id,
    event_type: event.event_type,
    platform: event.platform,
    timestamp: event.timestamp,
    workspace_hash: stringOrNull(metadata.workspace_hash),
    project_hash: stringOrNull(metadata.project_hash),
    model: stringOrNull(metadata.model),
    tool_name: stringOrNull(payload.tool),
    duration_ms: integerOrNull(payload.duration_ms),
    tokens_used: tokensUsed(payload),
    lines_added: integerOrNull(payload.lines_added),
    lines_removed: integerOrNull(payload.lines_removed),
    event_data: deflateRawSync(packed, CURRENT),
    codec: CURRENT_CODEC,
    json_bytes: Buffer.byteLength(json),
  };
}

/** The exact JSON text that was encoded. */
export function decodeEventJson(data: Uint8Array, codec: number): string {
  const { dictionary } = codecParameters(codec);
  return unpackIdentifiers(inflateRawSync(data, { dictionary, windowBits: 15 }));
}

export function decodeEventData(data: Uint8Array, codec: number): TelemetryEvent {
  return JSON.parse(decodeEventJson(data, codec)) as TelemetryEvent;
}
