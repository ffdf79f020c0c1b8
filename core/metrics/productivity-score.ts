// Productivity score, 0–100 (METRICS.md):
//
//   score = clamp(0, 100, 50 + tool_efficiency − error_penalty + completion + code_impact)
//
//   tool_efficiency = 25 × success_rate          success_rate = Σ succeeded / Σ executions
//   error_penalty   = 15 × min(1, error_rate + interruption_rate)
//                     error_rate = Σ errors / Σ executions;
//                     interruption_rate = Σ interruptions / Σ decided calls
//   completion      = 10 if the session ended normally, else 0
//   code_impact     = min(10, kept_lines_added / 10)   1 point per 10 lines that landed and were
//                                                      not reverted, at most 10 (100 lines)
//
// A rate with nothing to count (no tool call) contributes 0: a chat-only session that ended
// normally scores 50 + 10 = 60. So the score ranges over 35..95 in practice (clamping never
// bites); the clamp stays because METRICS.md defines it so.
// Ended normally: a SessionEnd (or Cursor sessionEnd) that is the session's last word (no
// SessionStart or prompt after it), whose reason is not aborted / error / bypass_permissions_disabled
// and whose Cursor final status is not aborted / error, with no StopFailure (turn_error) after the
// last prompt. A live session has not ended, so its score rises by 10 when it does.
import type { MetricsView } from './metrics-view.ts';
import type { TimedEvent } from './session-events.ts';

export interface ProductivityScore {
  score: number;
  tool_efficiency: number;
  error_penalty: number;
  completion: number;
  code_impact: number;
}

export interface SessionEnd {
  ended: boolean;
  ended_normally: boolean;
  /** The last session_end's reason (Claude: clear, logout, prompt_input_exit…; Cursor: completed, user_close…). */
  end_reason?: string;
  /** Cursor's final_status. */
  end_status?: string;
}

const ABNORMAL_ENDINGS = new Set(['aborted', 'error', 'bypass_permissions_disabled']);

export function sessionEnd(events: readonly TimedEvent[]): SessionEnd {
  let end: TimedEvent | undefined;
  let resumed = false;
  let failedTurn = false;
  for (const timed of events) {
    const type = timed.event.event_type;
    if (type === 'session_end') {
      end = timed;
      resumed = false;
    } else if (type === 'session_start' || type === 'user_prompt') {
      resumed = end !== undefined;
      if (type === 'user_prompt') failedTurn = false;
    } else if (type === 'turn_error') {
      failedTurn = true;
    }
  }
  if (!end || resumed) return { ended: false, ended_normally: false };
  const { reason, status } = end.event.payload as { reason?: string; status?: string };
  const normal = !failedTurn && !(reason !== undefined && ABNORMAL_ENDINGS.has(reason)) && !(status !== undefined && ABNORMAL_ENDINGS.has(status));
  const result: SessionEnd = { ended: true, ended_normally: normal };
  if (reason !== undefined) result.end_reason = reason;
  if (status !== undefined) result.end_status = status;
  return result;
}

function rateOrZero(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

export function productivityScore(view: MetricsView, endedNormally: boolean): ProductivityScore {
  const { executions, errors, interruptions } = view.errors;
  let succeeded = 0;
  let decided = 0;
  for (const tool of Object.values(view.usage.tools)) {
    succeeded += tool.succeeded;
    decided += tool.calls - tool.pending;
  }
  const tool_efficiency = 25 * rateOrZero(succeeded, executions);
  const error_penalty = 15 * Math.min(1, rateOrZero(errors, executions) + rateOrZero(interruptions, decided));
  const completion = endedNormally ? 10 : 0;
  const code_impact = Math.min(10, view.code.kept_lines_added / 10);
  const score = Math.min(100, Math.max(0, 50 + tool_efficiency - error_penalty + completion + code_impact));
  return { score, tool_efficiency, error_penalty, completion, code_impact };
}
