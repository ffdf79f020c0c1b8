// The daemon's control protocol: the wire types of its unix socket, in one module shared by the
// daemon, the CLI and (later) the VS Code extension. One JSON object per line each way; every
// request gets exactly one response, in order. Discriminated on `type`.

export const CONTROL_PROTOCOL_VERSION = 1;

/** Requests longer than this are refused and the connection closed: no request needs more. */
export const MAX_CONTROL_LINE_BYTES = 64 * 1024;

export type ControlRequest = { type: 'status' } | { type: 'stop' } | { type: 'metrics_rebuild' };

/** What a metrics rebuild did (core/slow-path/metrics-rebuild.ts). */
export interface MetricsRebuildReport {
  sessions: number;
  scopes: number;
  ms: number;
}

export type ControlResponse =
  | { type: 'status'; protocol: number; status: DaemonStatus }
  /** The daemon has begun a graceful stop; the process exits once everything is committed. */
  | { type: 'stopping'; protocol: number; pid: number }
  /** report is null when the daemon runs without Redis (no live metrics to rebuild). */
  | { type: 'metrics_rebuilt'; protocol: number; report: MetricsRebuildReport | null }
  | { type: 'error'; protocol: number; message: string };

/** not_responding: a process holds the daemon lock but does not answer on the control socket. */
export type DaemonState = 'starting' | 'running' | 'stopping' | 'not_responding' | 'not_running';

/** How the daemon ingests: from Redis streams (and the spool), or from the spool alone. */
export type IngestMode = 'redis' | 'spool_only';

export interface RedisStatus {
  /** The URL in use, password hidden. */
  url: string;
  reachable: boolean;
  /** True when it is the Redis Blueplane started itself (recorded in managed-redis.json). */
  managed: boolean;
  /** pid of the managed redis-server, when managed. */
  managedPid: number | null;
  /** Why it is not reachable, when it is not. */
  error: string | null;
}

/** Stream lengths by the stream's unprefixed name (the configured prefix is applied to the keys). */
export interface StreamLengths {
  'telemetry:events': number | null;
  'cdc:events': number | null;
  'telemetry:dlq': number | null;
}

export interface SpoolBacklog {
  files: number;
  lines: number;
}

/**
 * What `blueplane status --json` prints and the daemon answers to `status`. Numbers are null when
 * they could not be read (no Redis, no database yet); `problems` says why in words.
 */
export interface DaemonStatus {
  /** The daemon's pid, null when none is running. */
  pid: number | null;
  state: DaemonState;
  version: string;
  home: string;
  startedAt: string | null;
  uptimeSeconds: number | null;
  socket: string;
  log: string;
  /** Null when no daemon is running. */
  mode: IngestMode | null;
  redis: RedisStatus;
  streams: StreamLengths;
  /** Entries of telemetry:events delivered to the daemon and not yet acknowledged. */
  pendingEntries: number | null;
  deadLetters: number | null;
  eventsStored: number | null;
  spoolBacklog: SpoolBacklog;
  database: { path: string; sizeBytes: number | null };
  /** The running fast path's counters (batches, duplicates, last batch time, ...); null when no daemon runs. */
  ingest: Record<string, number> | null;
  /** The slow path's CDC counters (read, acknowledged, dead-lettered, retries, in flight); null without Redis. */
  slowPath: Record<string, number> | null;
  /** The local API: where it listens, or why it does not; null when no daemon runs. */
  api: { url: string | null; error: string | null } | null;
  /** Things the user should know or fix, each a sentence that says what to do. */
  problems: string[];
}

export function encodeMessage(message: ControlRequest | ControlResponse): string {
  return `${JSON.stringify(message)}\n`;
}

function objectWithType(line: string): (Record<string, unknown> & { type: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? (value as Record<string, unknown> & { type: string }) : undefined;
}

export function parseControlRequest(line: string): ControlRequest | undefined {
  const message = objectWithType(line);
  if (message?.type === 'status' || message?.type === 'stop' || message?.type === 'metrics_rebuild') return { type: message.type };
  return undefined;
}

export function parseControlResponse(line: string): ControlResponse | undefined {
  const message = objectWithType(line);
  if (!message || typeof message.protocol !== 'number') return undefined;
  switch (message.type) {
    case 'status':
      return message.status && typeof message.status === 'object' ? (message as unknown as ControlResponse) : undefined;
    case 'stopping':
      return typeof message.pid === 'number' ? (message as unknown as ControlResponse) : undefined;
    case 'metrics_rebuilt':
      return message.report === null || (typeof message.report === 'object' && message.report !== undefined) ? (message as unknown as ControlResponse) : undefined;
    case 'error':
      return typeof message.message === 'string' ? (message as unknown as ControlResponse) : undefined;
    default:
      return undefined;
  }
}
