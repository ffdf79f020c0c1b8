// Time in a session: its span, active time, and the per-prompt delays (response, think, gap).
//
// - span: last event − first event.
// - active time: the sum of the gaps between consecutive events that are ≤ IDLE_GAP_MS (5 min);
//   a longer gap is idle ("gaps > 5 min are idle", so exactly 5 min is still active).
// - response time: for each user_prompt, the first later event that shows the assistant answering
//   (RESPONSE_TYPES: a tool starting or ending, a permission prompt or denial, Stop or StopFailure,
//   and for Cursor, which captures no tool start, afterAgentResponse, afterFileEdit and shell/MCP
//   ends) − the prompt's time; no sample if the next prompt comes first.
// - think time: for each user_prompt, prompt time − the last tool end (tool_use, tool_failure),
//   Stop or StopFailure since the previous prompt (or since the session began); a sample above the
//   idle gap is idle time, not thinking, and is left out.
// - prompt gap: time between consecutive user_prompts (every gap, idle ones included).
// Each sample counts in the window of its prompt (the later prompt, for a gap).
import type { TimedEvent } from './session-events.ts';

export const IDLE_GAP_MS = 5 * 60_000;

const RESPONSE_TYPES = new Set([
  'tool_start',
  'tool_use',
  'tool_failure',
  'permission_request',
  'permission_denied',
  'turn_end',
  'turn_error',
  'assistant_response',
  'file_edit',
  'shell_execution',
  'mcp_execution',
]);
const ANSWER_END_TYPES = new Set(['tool_use', 'tool_failure', 'turn_end', 'turn_error']);

export interface TimedSample {
  ms: number;
  value: number;
}

export interface PromptTiming {
  responseTimes: TimedSample[];
  thinkTimes: TimedSample[];
  promptGaps: TimedSample[];
}

export function promptTiming(events: readonly TimedEvent[]): PromptTiming {
  const timing: PromptTiming = { responseTimes: [], thinkTimes: [], promptGaps: [] };
  let previousPrompt: TimedEvent | undefined;
  let lastAnswerEnd: TimedEvent | undefined;
  let awaitingResponse: TimedEvent | undefined;
  for (const timed of events) {
    const type = timed.event.event_type;
    if (type === 'user_prompt') {
      if (previousPrompt) timing.promptGaps.push({ ms: timed.ms, value: timed.ms - previousPrompt.ms });
      if (lastAnswerEnd) {
        const think = timed.ms - lastAnswerEnd.ms;
        if (think <= IDLE_GAP_MS) timing.thinkTimes.push({ ms: timed.ms, value: think });
      }
      previousPrompt = timed;
      awaitingResponse = timed;
      lastAnswerEnd = undefined;
      continue;
    }
    if (awaitingResponse && RESPONSE_TYPES.has(type)) {
      timing.responseTimes.push({ ms: awaitingResponse.ms, value: timed.ms - awaitingResponse.ms });
      awaitingResponse = undefined;
    }
    if (ANSWER_END_TYPES.has(type)) lastAnswerEnd = timed;
  }
  return timing;
}

export interface Window {
  /** Inclusive start, ms since the epoch. */
  start: number;
  /** Exclusive end, ms since the epoch. */
  end: number;
}

/** Length of [from, to] inside the window (all of it without a window). */
export function overlap(from: number, to: number, window: Window | undefined): number {
  if (!window) return to - from;
  return Math.max(0, Math.min(to, window.end) - Math.max(from, window.start));
}

export interface SpanAndActivity {
  spanMs: number;
  activeMs: number;
}

export function spanAndActivity(events: readonly TimedEvent[], window: Window | undefined): SpanAndActivity {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) return { spanMs: 0, activeMs: 0 };
  let activeMs = 0;
  for (let i = 1; i < events.length; i++) {
    const from = events[i - 1]!.ms;
    const to = events[i]!.ms;
    if (to - from <= IDLE_GAP_MS) activeMs += overlap(from, to, window);
  }
  return { spanMs: overlap(first.ms, last.ms, window), activeMs };
}
