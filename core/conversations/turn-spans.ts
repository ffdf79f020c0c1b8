// How one session's ordered events split into turns, and which turn an event or a time falls in.
// Turn n ≥ 1 starts at the n-th user_prompt and covers the events up to the next prompt (Stop,
// SessionEnd and the usage records of its answer included); turn 0 holds what came before the first
// prompt (SessionStart, a resumed session's tail), whether or not it becomes a row (see
// turn-rows.ts). Events are a prepared session's (session-events.ts), whose order is the
// index in the list, so a turn is a slice.
import type { TimedEvent } from '../metrics/session-events.ts';

export interface TurnSpan {
  number: number;
  /** The prompt that opens the turn; none for turn 0. */
  prompt?: TimedEvent;
  /** The turn's events in session order; turn 0's may be empty. */
  events: readonly TimedEvent[];
}

export interface SessionTurns {
  /** spans[n] is turn n; spans[0] is always there. */
  spans: TurnSpan[];
  /** The turn holding an event of the session, by its position (equal times keep their order). */
  ofEvent(timed: TimedEvent): number;
  /**
   * The turn holding a time that has no position in the session (a usage record). One stamped at the
   * very millisecond of a prompt counts in that prompt's turn, so it always lands in a turn that has
   * events: each turn from 1 has its prompt, and turn 0 only gets records from before the first prompt.
   */
  atTime(ms: number): number;
}

export function sessionTurns(events: readonly TimedEvent[]): SessionTurns {
  const prompts = events.filter((timed) => timed.event.event_type === 'user_prompt');
  const spans: TurnSpan[] = [{ number: 0, events: events.slice(0, prompts[0]?.order ?? events.length) }];
  prompts.forEach((prompt, index) => {
    spans.push({ number: index + 1, prompt, events: events.slice(prompt.order, prompts[index + 1]?.order ?? events.length) });
  });
  return {
    spans,
    ofEvent: (timed) => countLeading(prompts, (prompt) => prompt.order <= timed.order),
    atTime: (ms) => countLeading(prompts, (prompt) => prompt.ms <= ms),
  };
}

/** How many leading items satisfy a predicate that holds for a prefix of the items (binary search). */
function countLeading<T>(items: readonly T[], holds: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (holds(items[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}
