// One stream entry to one row, or the reason it can't be one: validation (envelope-validation.ts)
// then encoding (storage/event-codec.ts). The same function runs on the ingest thread or in the
// encoder worker (encoder-worker.ts); it never throws.
import type { EncodedEvent } from '../storage/event-codec.ts';
import { encodeEvent } from '../storage/event-codec.ts';
import type { DeadLetterReason } from './dead-letters.ts';
import { validateStreamEntry } from './envelope-validation.ts';

export type EncodedEntry = { ok: true; encoded: EncodedEvent } | { ok: false; reason: DeadLetterReason; detail: string };

export function encodeEntry(fields: readonly string[]): EncodedEntry {
  const result = validateStreamEntry(fields);
  if (!result.ok) return result;
  try {
    return { ok: true, encoded: encodeEvent(result.event, result.json) };
  } catch (error) {
    return { ok: false, reason: 'encode_failed', detail: (error instanceof Error ? error.message : String(error)).slice(0, 200) };
  }
}
