// Turns one hook's stdin payload into a sanitized envelope: names the event (normalization table),
// keeps only the allow-listed fields of that event, hashes locations with the install secret.
import type { EventMetadata, EventPayload, HookErrorReason, Platform, TelemetryEvent } from '../event/envelope.ts';
import { ENVELOPE_VERSION } from '../event/envelope.ts';
import { uuidV7 } from '../event/uuid-v7.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { claudeMetadata, claudePayload } from './claude-payload.ts';
import { cursorMetadata, cursorPayload } from './cursor-payload.ts';
import { eventTypeFor, inferClaudeHookName, safeHookName } from './hook-event-names.ts';
import { asString, createHasher, pathHash, safeId, type Hasher } from './safe-values.ts';
import { utcIsoString } from './utc-time.ts';

export interface CaptureContext {
  platform: Platform;
  /** The IDE event name given on the hook's command line by the installed shim, if any. */
  hookArg?: string;
  /** The hook process environment (CLAUDE_PROJECT_DIR, CURSOR_PROJECT_DIR, CLAUDE_CODE_SESSION_ID). */
  env: Record<string, string | undefined>;
  /** The per-install secret that keys every hash. */
  secret: Buffer;
  now?: number;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Where the event happened, as keyed hashes: the project root and the working directory. */
function locationHashes(raw: Record<string, unknown>, context: CaptureContext, hash: Hasher): Pick<EventMetadata, 'project_hash' | 'workspace_hash'> {
  const roots = Array.isArray(raw.workspace_roots) ? raw.workspace_roots : [];
  const project =
    context.platform === 'cursor'
      ? nonEmpty(roots[0]) ?? nonEmpty(context.env.CURSOR_PROJECT_DIR) ?? nonEmpty(raw.cwd)
      : nonEmpty(context.env.CLAUDE_PROJECT_DIR) ?? nonEmpty(raw.cwd);
  const workspace = nonEmpty(raw.cwd) ?? project;
  return {
    project_hash: project ? pathHash(project, hash) : undefined,
    workspace_hash: workspace ? pathHash(workspace, hash) : undefined,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

function envelope(context: CaptureContext, parts: Pick<TelemetryEvent, 'session_id' | 'event_type' | 'hook_type' | 'metadata' | 'payload'>): TelemetryEvent {
  const now = context.now ?? Date.now();
  return {
    v: ENVELOPE_VERSION,
    event_id: uuidV7(now),
    timestamp: utcIsoString(now),
    platform: context.platform,
    session_id: parts.session_id,
    event_type: parts.event_type,
    hook_type: parts.hook_type,
    metadata: withoutUndefined(parts.metadata),
    payload: withoutUndefined(parts.payload),
  };
}

function hookNameOf(raw: Record<string, unknown>, context: CaptureContext): string {
  const named = asString(raw.hook_event_name) ?? context.hookArg;
  return safeHookName(named ?? (context.platform === 'claude_code' ? inferClaudeHookName(raw) : undefined));
}

function sessionIdOf(raw: Record<string, unknown>, context: CaptureContext, hash: Hasher): string {
  const fromEnv = context.platform === 'claude_code' ? context.env.CLAUDE_CODE_SESSION_ID : undefined;
  return safeId(raw.session_id, hash) ?? safeId(raw.conversation_id, hash) ?? safeId(fromEnv, hash) ?? 'unknown';
}

export function buildEvent(raw: Record<string, unknown>, context: CaptureContext): TelemetryEvent {
  const hash = createHasher(context.secret);
  const hookName = hookNameOf(raw, context);
  const eventType = eventTypeFor(context.platform, hookName);
  const isClaude = context.platform === 'claude_code';
  const payload: EventPayload =
    eventType === 'other' ? { hook_name: hookName } : isClaude ? claudePayload(hookName, raw, hash) : cursorPayload(hookName, raw, hash);
  const metadata: EventMetadata = {
    ...(isClaude ? claudeMetadata(raw, hash) : cursorMetadata(raw, hash)),
    ...locationHashes(raw, context, hash),
    hook_version: PRODUCT_VERSION,
  };
  return envelope(context, { session_id: sessionIdOf(raw, context, hash), event_type: eventType, hook_type: hookName, metadata, payload });
}

/** A hook that could not read its input still reports that capture is degraded: the reason and the size, never the bytes. */
export function buildHookErrorEvent(reason: HookErrorReason, inputBytes: number, context: CaptureContext): TelemetryEvent {
  const hash = createHasher(context.secret);
  const hookName = safeHookName(context.hookArg);
  const projectDir = nonEmpty(context.platform === 'cursor' ? context.env.CURSOR_PROJECT_DIR : context.env.CLAUDE_PROJECT_DIR);
  return envelope(context, {
    session_id: sessionIdOf({}, context, hash),
    event_type: 'hook_error',
    hook_type: hookName,
    metadata: { project_hash: projectDir ? pathHash(projectDir, hash) : undefined, hook_version: PRODUCT_VERSION },
    payload: { error_reason: reason, input_bytes: inputBytes, hook_name: hookName },
  });
}
