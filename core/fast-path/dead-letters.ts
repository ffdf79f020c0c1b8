// The dead-letter stream (`telemetry:dlq`): entries the fast path could not store, each with why,
// where it came from and its original content, so they can be inspected or replayed by hand. The
// reason codes are envelope-validation's, plus `max_deliveries` (an entry delivered 3 times and
// never acknowledged: it crashed or failed us each time) and `encode_failed`.
import type { InvalidReason } from './envelope-validation.ts';

export type DeadLetterReason = InvalidReason | 'max_deliveries' | 'encode_failed';

export interface DeadLetter {
  reason: DeadLetterReason;
  detail: string;
  source: 'stream' | 'spool';
  /** Stream entry id, or `<spool file>:<line number>`. */
  sourceId: string;
  /** The original entry's field/value list (a spool line: ['line', text]). */
  fields: readonly string[];
}

/** Field/value list of the DLQ entry: our fields first, then the original ones unchanged. */
export function deadLetterFields(letter: DeadLetter, at: Date = new Date()): string[] {
  return ['reason', letter.reason, 'detail', letter.detail, 'source', letter.source, 'source_id', letter.sourceId, 'failed_at', at.toISOString(), ...letter.fields];
}
