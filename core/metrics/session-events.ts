// One session's events as the metrics engine reads them: each with its time in ms, duplicates
// (same event_id: PEL redelivery, spool replay) dropped, events without a valid timestamp set
// aside, and the rest ordered by timestamp, then event_id (UUIDv7, so ties follow creation order).
// Hooks of one session run as separate processes, so arrival order means nothing.
import type { Platform, TelemetryEvent } from '../event/envelope.ts';

/**
 * What the engine reads: any stored event. A token_usage event (transcript monitor) is one API
 * response, already deduplicated by message id upstream; Cursor database snapshots are ignored here.
 */
export type MetricsEvent = TelemetryEvent;

/** A token_usage event as the engine reads it: only the counts it adds up are required to be there. */
export type TokenUsageEvent = TelemetryEvent & { event_type: 'token_usage' };

export interface TimedEvent {
  event: MetricsEvent;
  /** Milliseconds since the epoch, from event.timestamp. */
  ms: number;
  /** Position in the ordered session, a tie-breaker for equal times. */
  order: number;
}

export interface PreparedSession {
  platform: Platform;
  sessionId: string;
  events: TimedEvent[];
  /** Timestamps of the copies dropped as duplicates (so a time window can count them). */
  duplicateTimes: number[];
  invalidTimestamps: number;
  /** The latest Cursor composer snapshot of the session (snapshots supersede each other), if any. */
  latestComposer?: TimedEvent;
}

/**
 * Cursor database snapshots are states, not happenings: a composer snapshot is superseded by the
 * next one, and generations and daily counts name no session. The engine leaves them out of the
 * session's events and keeps only its latest composer snapshot (PreparedSession.latestComposer).
 */
export const SNAPSHOT_TYPES: ReadonlySet<string> = new Set(['composer_update', 'generation', 'daily_code_stats']);

function eventTime(event: MetricsEvent): number | undefined {
  const ms = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Orders one session's events; throws if they belong to more than one session. */
export function prepareSession(events: readonly MetricsEvent[]): PreparedSession {
  const first = events[0];
  if (!first) throw new RangeError('a session needs at least one event');
  let invalidTimestamps = 0;
  let latestComposer: TimedEvent | undefined;
  const timed: Array<{ event: MetricsEvent; ms: number }> = [];
  for (const event of events) {
    if (event.session_id !== first.session_id || event.platform !== first.platform) {
      throw new RangeError(`events of ${event.platform}/${event.session_id} given with ${first.platform}/${first.session_id}`);
    }
    if (SNAPSHOT_TYPES.has(event.event_type)) {
      const ms = eventTime(event);
      const latest = latestComposer;
      if (event.event_type === 'composer_update' && ms !== undefined && (!latest || ms > latest.ms || (ms === latest.ms && compareIds(event.event_id, latest.event.event_id) > 0))) {
        latestComposer = { event, ms, order: -1 };
      }
      continue;
    }
    const ms = eventTime(event);
    if (ms === undefined) invalidTimestamps++;
    else timed.push({ event, ms });
  }
  timed.sort((a, b) => a.ms - b.ms || compareIds(a.event.event_id, b.event.event_id));
  const seen = new Set<string>();
  const ordered: TimedEvent[] = [];
  const duplicateTimes: number[] = [];
  for (const { event, ms } of timed) {
    if (seen.has(event.event_id)) {
      duplicateTimes.push(ms);
      continue;
    }
    seen.add(event.event_id);
    ordered.push({ event, ms, order: ordered.length });
  }
  const prepared: PreparedSession = { platform: first.platform, sessionId: first.session_id, events: ordered, duplicateTimes, invalidTimestamps };
  if (latestComposer) prepared.latestComposer = latestComposer;
  return prepared;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
