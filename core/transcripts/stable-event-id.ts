// Event ids for events read from files the IDEs keep (transcripts, Cursor's state.vscdb) rather than
// sent by a hook: derived from what the event describes, so reading the same source again, after a
// restart, a lost offset or a rotated file, yields the same id and SQLite's INSERT OR IGNORE on
// event_id stores it once.
import { createHash } from 'node:crypto';

/** A UUID (RFC 9562 version 8, "custom") from SHA-256 of a namespace and a key. */
export function stableEventId(namespace: string, key: string): string {
  const bytes = createHash('sha256').update(namespace).update('\0').update(key).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
