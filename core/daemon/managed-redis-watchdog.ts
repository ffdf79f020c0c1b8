// Keeps a managed Redis up while the daemon runs. If the redis-server Blueplane started dies
// (killed, OOM), hooks would spool and the fast path would retry forever; instead the daemon
// starts it again on the same port, from the same data folder (its append-only file brings the
// streams back), and the fast path's connections find it there by themselves.
import type { Log } from '../log.ts';
import { errorFields } from './daemon-log.ts';
import { findRedisServer, startManagedRedis, writeManagedRedisRecord } from './managed-redis.ts';
import { isProcessAlive } from './process-liveness.ts';
import { probeRedis, redactRedisUrl } from './redis-connection.ts';

export const WATCHDOG_INTERVAL_MS = 2000;

export interface ManagedRedisWatchdogOptions {
  url: string;
  pid: number | null;
  redisFolder: string;
  recordPath: string;
  pathVariable: string | undefined;
  log: Log;
  intervalMs?: number;
}

export class ManagedRedisWatchdog {
  private readonly options: ManagedRedisWatchdogOptions;
  private currentPid: number | null;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;
  /** The last failure logged, so an outage is logged once rather than every interval. */
  private lastFailure: string | undefined;

  constructor(options: ManagedRedisWatchdogOptions) {
    this.options = options;
    this.currentPid = options.pid;
  }

  /** pid of the managed redis-server now (changes after a restart). */
  get pid(): number | null {
    return this.currentPid;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? WATCHDOG_INTERVAL_MS);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking || this.closed) return;
    this.checking = true;
    const { url, log } = this.options;
    try {
      const probe = await probeRedis(url, 1000);
      if (probe.reachable) {
        if (probe.processId !== null) this.currentPid = probe.processId;
        this.lastFailure = undefined;
        return;
      }
      // Alive but not answering: loading a large AOF, or busy. Starting a second one on the
      // same folder would corrupt it; wait.
      if (this.currentPid !== null && isProcessAlive(this.currentPid)) return;
      const redisServer = findRedisServer(this.options.pathVariable);
      if (!redisServer) throw new Error('redis-server is no longer on PATH');
      const started = await startManagedRedis({ redisServer, dir: this.options.redisFolder, configuredUrl: url, samePortOnly: true });
      writeManagedRedisRecord(this.options.recordPath, { ...started, startedAt: new Date().toISOString() });
      log.warn('managed_redis_restarted', { url: redactRedisUrl(started.url), previous_pid: this.currentPid, pid: started.pid, reason: probe.error });
      this.currentPid = started.pid;
      this.lastFailure = undefined;
    } catch (error) {
      const fields = errorFields(error);
      const message = String(fields.error_message);
      if (this.lastFailure !== message) log.error('managed_redis_restart_failed', fields);
      this.lastFailure = message;
    } finally {
      this.checking = false;
    }
  }
}
