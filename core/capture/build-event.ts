// Turns one hook's stdin payload into a sanitized envelope. (Being written: the full
// normalization table and per-event allow-lists land in this module's neighbours.)
import type { HookErrorReason, Platform, TelemetryEvent } from '../event/envelope.ts';
import { ENVELOPE_VERSION } from '../event/envelope.ts';
import { uuidV7 } from '../event/uuid-v7.ts';
import { PRODUCT_VERSION } from '../version.ts';

export interface CaptureContext {
  platform: Platform;
  /** The IDE event name given on the hook's command line by the installed shim, if any. */
  hookArg?: string;
  /** The hook process environment (CLAUDE_PROJECT_DIR, CURSOR_VERSION, ...). */
  env: Record<string, string | undefined>;
  /** The per-install secret that keys every hash. */
  secret: Buffer;
  now?: number;
}

export function buildEvent(raw: Record<string, unknown>, context: CaptureContext): TelemetryEvent {
  const now = context.now ?? Date.now();
  const hookType = typeof raw.hook_event_name === 'string' ? raw.hook_event_name : context.hookArg ?? 'unknown';
  return {
    v: ENVELOPE_VERSION,
    event_id: uuidV7(now),
    timestamp: new Date(now).toISOString(),
    platform: context.platform,
    session_id: typeof raw.session_id === 'string' ? raw.session_id : 'unknown',
    event_type: 'other',
    hook_type: hookType,
    metadata: { hook_version: PRODUCT_VERSION },
    payload: {},
  };
}

export function buildHookErrorEvent(reason: HookErrorReason, inputBytes: number, context: CaptureContext): TelemetryEvent {
  const now = context.now ?? Date.now();
  return {
    v: ENVELOPE_VERSION,
    event_id: uuidV7(now),
    timestamp: new Date(now).toISOString(),
    platform: context.platform,
    session_id: 'unknown',
    event_type: 'hook_error',
    hook_type: context.hookArg ?? 'unknown',
    metadata: { hook_version: PRODUCT_VERSION },
    payload: { error_reason: reason, input_bytes: inputBytes },
  };
}
