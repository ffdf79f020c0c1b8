// The date range of an export or a purge: `--since` inclusive, `--until` exclusive, each an ISO
// date (UTC midnight) or date-time (UTC unless it names a zone), compared with the session's
// activity time (its last event, else its first). Stored times are ISO-8601 UTC text with
// milliseconds, so a bound normalized the same way compares as text.

export interface ExportRange {
  /** ISO-8601 UTC, inclusive; null: from the beginning. */
  since: string | null;
  /** ISO-8601 UTC, exclusive; null: up to now and beyond. */
  until: string | null;
}

export const WHOLE_RANGE: ExportRange = { since: null, until: null };

/** A bad --since/--until/--before: the message says what is wrong and what is accepted. */
export class ExportRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRangeError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** One bound as ISO-8601 UTC; throws ExportRangeError naming the option when it is not a real date. */
export function parseInstant(value: string, option: string): string {
  const text = value.trim();
  let iso: string;
  if (DATE.test(text)) iso = `${text}T00:00:00.000Z`;
  else if (DATE_TIME.test(text)) iso = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`;
  else throw new ExportRangeError(`${option} '${value}' is not a date: give an ISO date (2026-03-01) or date-time (2026-03-01T14:30, UTC unless it ends in Z or +hh:mm)`);
  const ms = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over into March: the calendar date must exist as written.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(ms) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw new ExportRangeError(`${option} '${value}' is not a real date`);
  return new Date(ms).toISOString();
}

export function parseRange(since: string | undefined, until: string | undefined): ExportRange {
  const range: ExportRange = {
    since: since === undefined ? null : parseInstant(since, '--since'),
    until: until === undefined ? null : parseInstant(until, '--until'),
  };
  if (range.since !== null && range.until !== null && range.since >= range.until) {
    throw new ExportRangeError(`--since (${range.since}) must be before --until (${range.until}): --since is inclusive, --until exclusive`);
  }
  return range;
}
