// Tool calls: a start (PreToolUse → tool_start) paired with its outcome (tool_use, tool_failure or
// permission_denied), or an outcome alone where the platform does not capture starts (Cursor: we do
// not register its permission hook preToolUse).
//
// Pairing rules:
// - With a tool_use_id, the start and the first outcome carrying the same id pair up, whatever
//   their order: Claude Code runs our hooks async, and each hook takes its timestamp when its own
//   process starts, so a 12 ms tool's PostToolUse can be stamped before its PreToolUse.
//   Later outcomes with an id already resolved are ignored (the first outcome decides).
// - Without an id (Claude Code before 2.0.43 and real captures since), a start pairs with the next
//   outcome without id of the same tool, first in first out (so interleaved parallel calls of one
//   tool pair in order), and only before the next boundary.
// - Boundary: the next user_prompt, turn_end (Stop) or session_end after the start.
//
// States:
// - succeeded: tool_use, unless it says success: false or a non-zero exit_code (then failed);
// - failed: tool_failure that is not an interrupt, or a tool_use as above;
// - interrupted: tool_failure with is_interrupt (or error_class "interrupted", which capture gives to
//   the user's cancel and refusal texts); or a start with no outcome before a boundary;
// - denied: permission_denied;
// - pending: a start with no outcome and no boundary yet (a live session; a tool awaiting approval).
import type { ErrorClass } from '../event/envelope.ts';
import type { TimedEvent } from './session-events.ts';

export type CallState = 'succeeded' | 'failed' | 'interrupted' | 'denied' | 'pending';

export interface ToolCall {
  tool: string;
  toolUseId?: string;
  start?: TimedEvent;
  outcome?: TimedEvent;
  /** The first boundary after the start (for a start without outcome: when it became interrupted). */
  boundary?: TimedEvent;
  state: CallState;
  /** For failures (and interrupts with an outcome): the class capture recorded. */
  errorClass?: ErrorClass;
}

const BOUNDARY_TYPES = new Set(['user_prompt', 'turn_end', 'session_end']);
const OUTCOME_TYPES = new Set(['tool_use', 'tool_failure', 'permission_denied']);

/** When a call counts for a time window: its outcome's time, else its start's. */
export function callTime(call: ToolCall): number {
  return (call.outcome ?? call.start)!.ms;
}

export function matchToolCalls(events: readonly TimedEvent[]): ToolCall[] {
  const calls: ToolCall[] = [];
  const byId = new Map<string, ToolCall>();
  const openWithoutId = new Map<string, ToolCall[]>();
  let awaitingBoundary: ToolCall[] = [];
  for (const timed of events) {
    const { event_type: type, payload } = timed.event;
    if (BOUNDARY_TYPES.has(type)) {
      for (const call of awaitingBoundary) call.boundary = timed;
      awaitingBoundary = [];
      openWithoutId.clear();
      continue;
    }
    if (type !== 'tool_start' && !OUTCOME_TYPES.has(type)) continue;
    const tool = ('tool' in payload ? payload.tool : undefined) ?? 'unknown';
    const id = 'tool_use_id' in payload ? payload.tool_use_id : undefined;
    if (type === 'tool_start') {
      const known = id === undefined ? undefined : byId.get(id);
      if (known) {
        // The outcome was stamped first; a second start with the same id is a re-send and is ignored.
        if (!known.start) {
          known.start = timed;
          known.tool = tool;
          awaitingBoundary.push(known);
        }
        continue;
      }
      const call: ToolCall = { tool, start: timed, state: 'pending' };
      if (id !== undefined) {
        call.toolUseId = id;
        byId.set(id, call);
      } else {
        const queue = openWithoutId.get(tool) ?? [];
        queue.push(call);
        openWithoutId.set(tool, queue);
      }
      calls.push(call);
      awaitingBoundary.push(call);
      continue;
    }
    const known = id === undefined ? openWithoutId.get(tool)?.shift() : byId.get(id);
    if (known) {
      known.outcome ??= timed;
      continue;
    }
    const call: ToolCall = { tool, outcome: timed, state: 'pending' };
    if (id !== undefined) {
      call.toolUseId = id;
      byId.set(id, call);
    }
    calls.push(call);
  }
  for (const call of calls) classify(call);
  return calls;
}

function classify(call: ToolCall): void {
  const outcome = call.outcome?.event;
  if (!outcome) {
    call.state = call.boundary ? 'interrupted' : 'pending';
    return;
  }
  const payload = outcome.payload as { success?: boolean; exit_code?: number; is_interrupt?: boolean; error_class?: ErrorClass };
  switch (outcome.event_type) {
    case 'permission_denied':
      call.state = 'denied';
      return;
    case 'tool_failure':
      if (payload.is_interrupt === true || payload.error_class === 'interrupted') {
        call.state = 'interrupted';
        call.errorClass = 'interrupted';
      } else {
        call.state = 'failed';
        call.errorClass = payload.error_class ?? 'other';
      }
      return;
    default:
      if (payload.exit_code !== undefined && payload.exit_code !== 0) {
        call.state = 'failed';
        call.errorClass = 'non_zero_exit';
      } else if (payload.success === false) {
        call.state = 'failed';
        call.errorClass = payload.error_class ?? 'other';
      } else {
        call.state = 'succeeded';
      }
  }
}

/**
 * How long the tool ran: the payload's duration_ms when the IDE gives one (it excludes waiting for
 * approval), else outcome time − start time (never below 0). Only for calls that ran to an end
 * (succeeded or failed): an interrupt's duration is the time until the user pressed Esc.
 */
export function callLatency(call: ToolCall): number | undefined {
  if ((call.state !== 'succeeded' && call.state !== 'failed') || !call.outcome) return undefined;
  const payload = call.outcome.event.payload as { duration_ms?: number };
  if (typeof payload.duration_ms === 'number' && Number.isFinite(payload.duration_ms) && payload.duration_ms >= 0) return payload.duration_ms;
  return call.start ? Math.max(0, call.outcome.ms - call.start.ms) : undefined;
}
