// Cursor's "true" accept rate (METRICS.md): lines kept / lines generated, as Cursor itself counts
// them per day in state.vscdb (aiCodeTracking.dailyStats: Composer and Tab, suggested and
// accepted), read by the Cursor monitor into daily_code_stats records. A day is counted in a
// window when its date starts inside it; a day's later snapshot supersedes an earlier one. These
// records name no session, so they belong to the Cursor platform and to all sessions, never to a
// project or a session.
import type { TelemetryEvent } from '../event/envelope.ts';
import { ratio, unavailable, type Metric } from './metric-value.ts';
import type { Window } from './session-timing.ts';

export interface SuggestedAndAccepted {
  suggested_lines: number;
  accepted_lines: number;
  /** accepted_lines / suggested_lines. */
  rate: Metric<number>;
}

export interface CursorLineAcceptance {
  days: number;
  composer: SuggestedAndAccepted;
  tab: SuggestedAndAccepted;
}

function lines(suggested: number, accepted: number, what: string): SuggestedAndAccepted {
  return { suggested_lines: suggested, accepted_lines: accepted, rate: ratio(accepted, suggested, unavailable('no_data', `Cursor counted no suggested ${what} line in the period`)) };
}

/** daily_code_stats records in storage order; the last one of each date wins. */
export function cursorLineAcceptance(records: readonly TelemetryEvent[], window: Window): CursorLineAcceptance {
  const byDate = new Map<string, TelemetryEvent>();
  for (const record of records) if (record.event_type === 'daily_code_stats' && record.payload.date) byDate.set(record.payload.date, record);
  let days = 0;
  const sums = { composerSuggested: 0, composerAccepted: 0, tabSuggested: 0, tabAccepted: 0 };
  for (const [date, record] of byDate) {
    const start = Date.parse(`${date}T00:00:00.000Z`);
    if (!(start >= window.start && start < window.end)) continue;
    days++;
    sums.composerSuggested += record.payload.composer_suggested_lines ?? 0;
    sums.composerAccepted += record.payload.composer_accepted_lines ?? 0;
    sums.tabSuggested += record.payload.tab_suggested_lines ?? 0;
    sums.tabAccepted += record.payload.tab_accepted_lines ?? 0;
  }
  return { days, composer: lines(sums.composerSuggested, sums.composerAccepted, 'Composer'), tab: lines(sums.tabSuggested, sums.tabAccepted, 'Tab') };
}
