// The daemon: one per BLUEPLANE_HOME. start() takes the lock (daemon-lock.ts), records its pid,
// listens on the control socket, picks or starts Redis, and starts ingestion; close() undoes it
// in reverse order, committing and acknowledging everything in flight first. It owns no
// process-wide state (signals, exit): run-daemon.ts binds it to the process.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { BlueplaneConfig } from '../config.ts';
import { ensurePrivateFolder } from '../data-folder.ts';
import type { Log } from '../log.ts';
import { ApiServer } from '../api/api-server.ts';
import { loadApiSettings } from '../api/api-settings.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { queryDaemonStatus } from './control-client.ts';
import { CONTROL_PROTOCOL_VERSION } from './control-protocol.ts';
import type { ControlRequest, ControlResponse, DaemonState, DaemonStatus, RedisStatus } from './control-protocol.ts';
import { ControlServer } from './control-server.ts';
import { acquireDaemonLock } from './daemon-lock.ts';
import type { DaemonLock } from './daemon-lock.ts';
import { errorFields } from './daemon-log.ts';
import { isProcessAlive } from './process-liveness.ts';
import { daemonPaths, ensureSocketFolder } from './daemon-paths.ts';
import type { DaemonPaths } from './daemon-paths.ts';
import { NO_REDIS_COUNTERS, REDIS_INSTALL_HELP, readSpoolBacklog } from './daemon-status.ts';
import { telemetryDatabasePath } from './ingest-pipeline.ts';
import type { IngestPipeline, PipelineFactory } from './ingest-pipeline.ts';
import { ManagedRedisWatchdog } from './managed-redis-watchdog.ts';
import { findRedisServer, readManagedRedisRecord } from './managed-redis.ts';
import { chooseRedis } from './redis-choice.ts';
import type { RedisChoice } from './redis-choice.ts';
import { describeRedisError, probeRedis, redactRedisUrl, withTimeout } from './redis-connection.ts';

type Env = Record<string, string | undefined>;

export interface DaemonOptions {
  config: BlueplaneConfig;
  /** For PATH (finding redis-server). */
  env: Env;
  log: Log;
  /** Builds ingestion (store, fast path, spool drain) once Redis is chosen. */
  createPipeline: PipelineFactory;
}

export type DaemonStartOutcome = { kind: 'started' } | { kind: 'already_running'; pid: number | null };

export interface PidFile {
  pid: number;
  startedAt: string;
  version: string;
  socket: string;
}

/** Spool-only mode looks for Redis this often (a probe of one local port and a PATH lookup). */
const REDIS_RETRY_MS = 10_000;
const MANAGED_START_RETRY_MS = 5 * 60_000;

/** Status requests answer within this, even when Redis hangs. */
const STATUS_REDIS_TIMEOUT_MS = 1000;

export function readPidFile(path: string): PidFile | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<PidFile>;
    return typeof value.pid === 'number' ? (value as PidFile) : undefined;
  } catch {
    return undefined;
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

export class Daemon {
  readonly paths: DaemonPaths;
  /** Resolves with the reason once a stop is asked for (signal or control request). */
  readonly stopRequested: Promise<string>;

  private readonly options: DaemonOptions;
  private readonly log: Log;
  private state: DaemonState = 'starting';
  private readonly startedAt = new Date();
  private lock: DaemonLock | undefined;
  private control: ControlServer | undefined;
  private redisChoice: RedisChoice | undefined;
  private pipeline: IngestPipeline | undefined;
  private watchdog: ManagedRedisWatchdog | undefined;
  private redisRetry: NodeJS.Timeout | undefined;
  private switching: Promise<void> | undefined;
  private managedStartFailedAt = -Infinity;
  private closing: Promise<void> | undefined;
  private api: ApiServer | undefined;
  private apiState: { url: string | null; error: string | null } = { url: null, error: null };
  private resolveStop!: (reason: string) => void;

  constructor(options: DaemonOptions) {
    this.options = options;
    this.log = options.log;
    this.paths = daemonPaths(options.config.home);
    this.stopRequested = new Promise((resolve) => (this.resolveStop = resolve));
  }

  async start(): Promise<DaemonStartOutcome> {
    const { paths, log } = this;
    ensurePrivateFolder(paths.home);
    const lock = acquireDaemonLock(paths.lock);
    if (!lock) {
      const pid = await this.findRunningPid();
      log.info('daemon_already_running', { pid, own_pid: process.pid });
      return { kind: 'already_running', pid };
    }
    this.lock = lock;
    log.info('daemon_starting', { pid: process.pid, version: PRODUCT_VERSION, node: process.version });
    const pidFile: PidFile = { pid: process.pid, startedAt: this.startedAt.toISOString(), version: PRODUCT_VERSION, socket: paths.socket };
    writeFileSync(`${paths.pidFile}.tmp`, `${JSON.stringify(pidFile)}\n`, { mode: 0o600 });
    renameSync(`${paths.pidFile}.tmp`, paths.pidFile);

    // Listening early lets `status` (and a second daemon) see "starting" while Redis comes up.
    ensureSocketFolder(paths.socket, paths.home);
    this.control = new ControlServer(paths.socket, (request) => this.handle(request), log);
    await this.control.listen();

    await this.startIngest(await this.chooseRedis());
    await this.startApi();
    if (this.state === 'starting') this.state = 'running';
    const choice = this.redisChoice!;
    log.info('daemon_ready', {
      pid: process.pid,
      mode: choice.kind === 'redis' ? 'redis' : 'spool_only',
      redis_url: choice.kind === 'redis' ? redactRedisUrl(choice.url) : null,
      managed_redis: choice.kind === 'redis' && choice.managed,
      startup_ms: Date.now() - this.startedAt.getTime(),
    });
    return { kind: 'started' };
  }

  /**
   * The local API, once the database exists. A port already taken is logged and shown by
   * `status`; capture and processing go on without the API.
   */
  private async startApi(): Promise<void> {
    const { config, env } = this.options;
    const settings = loadApiSettings(config.home, env, (message) => this.log.warn('config_problem', { message }));
    const api = new ApiServer({ config, settings, env, log: this.log });
    try {
      const record = await api.start();
      this.api = api;
      api.useRedis(this.redisChoice?.kind === 'redis' ? this.redisChoice.url : undefined);
      this.apiState = { url: `http://${record.host.includes(':') ? `[${record.host}]` : record.host}:${record.port}/api/v1`, error: null };
    } catch (error) {
      await api.close().catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EADDRINUSE' ? `port ${settings.port} is taken; set BLUEPLANE_API_PORT or api.port in config.json to another port` : (error as Error).message;
      this.apiState = { url: null, error: reason };
      this.log.error('api_unavailable', { code: code ?? (error as Error).name, port: settings.port });
    }
  }

  private chooseRedis(): Promise<RedisChoice> {
    return chooseRedis({
      configuredUrl: this.options.config.redisUrl,
      recordPath: this.paths.managedRedisRecord,
      redisFolder: this.paths.redisFolder,
      pathVariable: this.options.env.PATH,
      log: this.log,
    });
  }

  /** Ingestion over the chosen Redis (or the spool alone), and what keeps that choice good. */
  private async startIngest(choice: RedisChoice): Promise<void> {
    const { paths, log } = this;
    this.redisChoice = choice;
    if (choice.kind === 'none') {
      log.warn('spool_only_mode', { reason: choice.reason });
      if (choice.redisServerOnPath) this.managedStartFailedAt = Date.now();
    }
    this.pipeline = await this.options.createPipeline({ config: this.options.config, redisUrl: choice.kind === 'redis' ? choice.url : undefined, env: this.options.env, log });
    await this.pipeline.start();
    this.api?.useRedis(choice.kind === 'redis' ? choice.url : undefined);
    if (choice.kind === 'redis' && choice.managed) {
      this.watchdog = new ManagedRedisWatchdog({
        url: choice.url,
        pid: choice.managedPid,
        redisFolder: paths.redisFolder,
        recordPath: paths.managedRedisRecord,
        pathVariable: this.options.env.PATH,
        log,
      });
      this.watchdog.start();
    }
    if (choice.kind === 'none') {
      this.redisRetry = setInterval(() => void this.retryRedis(), REDIS_RETRY_MS);
      this.redisRetry.unref();
    }
  }

  /**
   * Spool-only mode looks again for Redis now and then: installing redis-server (or starting the
   * configured one) then brings live metrics back without restarting the daemon. The spool-only
   * pipeline is closed (its commits finished) before the one over Redis starts.
   */
  private async retryRedis(): Promise<void> {
    if (this.switching || this.state !== 'running') return;
    const { config, env } = this.options;
    const record = readManagedRedisRecord(this.paths.managedRedisRecord);
    // A redis-server that failed to start is tried again only every few minutes, not every tick.
    const retryBinary = Date.now() - this.managedStartFailedAt > MANAGED_START_RETRY_MS;
    const available =
      (retryBinary && findRedisServer(env.PATH) !== undefined) ||
      (await probeRedis(config.redisUrl, 500)).reachable ||
      (record !== undefined && (await probeRedis(record.url, 500)).reachable);
    if (!available || this.state !== 'running') return;
    this.switching = (async () => {
      const choice = await this.chooseRedis();
      if (choice.kind === 'none' && choice.redisServerOnPath) this.managedStartFailedAt = Date.now();
      if (choice.kind === 'none' || this.state !== 'running') return;
      clearInterval(this.redisRetry);
      this.log.info('redis_found_switching', { url: redactRedisUrl(choice.url), managed: choice.managed });
      const spoolOnly = this.pipeline;
      this.pipeline = undefined;
      await spoolOnly?.close();
      await this.startIngest(choice);
    })()
      .catch((error: unknown) => this.log.error('redis_switch_failed', errorFields(error)))
      .finally(() => (this.switching = undefined));
    await this.switching;
  }

  /** Asks for a graceful stop; the owner of the process then awaits close(). */
  requestStop(reason: string): void {
    this.resolveStop(reason);
  }

  /** Stop ingesting (commit and acknowledge what is in flight), then release everything. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeInOrder();
    return this.closing;
  }

  private async closeInOrder(): Promise<void> {
    const { log } = this;
    this.state = 'stopping';
    const step = async (name: string, action: () => unknown): Promise<void> => {
      try {
        await action();
      } catch (error) {
        log.error('daemon_close_step_failed', { step: name, ...errorFields(error) });
      }
    };
    clearInterval(this.redisRetry);
    await this.switching;
    this.watchdog?.close();
    await step('api', () => this.api?.close());
    await step('pipeline', () => this.pipeline?.close());
    await step('control socket', () => this.control?.close());
    if (this.lock) {
      // Only the lock holder wrote the pid file; a daemon that lost the race leaves it alone.
      removeFile(this.paths.pidFile);
      log.info('daemon_stopped', { pid: process.pid, uptime_s: Math.round((Date.now() - this.startedAt.getTime()) / 1000) });
      this.lock.release();
    }
    this.state = 'not_running';
  }

  /** A daemon that lost the lock names the winner: its pid file (written right after it took the lock), else its socket. */
  private async findRunningPid(): Promise<number | null> {
    const recorded = readPidFile(this.paths.pidFile);
    if (recorded && recorded.pid !== process.pid && isProcessAlive(recorded.pid)) return recorded.pid;
    const status = await queryDaemonStatus(this.paths.socket, 2000);
    return status?.pid ?? null;
  }

  private async handle(request: ControlRequest): Promise<ControlResponse> {
    switch (request.type) {
      case 'status':
        return { type: 'status', protocol: CONTROL_PROTOCOL_VERSION, status: await this.status() };
      case 'stop':
        this.log.info('stop_requested', { via: 'control_socket' });
        this.requestStop('control');
        return { type: 'stopping', protocol: CONTROL_PROTOCOL_VERSION, pid: process.pid };
      case 'metrics_rebuild':
        this.log.info('metrics_rebuild_requested', { via: 'control_socket' });
        return { type: 'metrics_rebuilt', protocol: CONTROL_PROTOCOL_VERSION, report: (await this.pipeline?.rebuildMetrics()) ?? null };
    }
  }

  async status(): Promise<DaemonStatus> {
    const { paths, pipeline } = this;
    const choice = this.redisChoice;
    const problems: string[] = [];
    let counters = NO_REDIS_COUNTERS;
    let redis: RedisStatus;
    if (choice?.kind === 'redis') {
      let error: string | null = null;
      try {
        const read = pipeline ? await withTimeout(pipeline.redisCounters(), STATUS_REDIS_TIMEOUT_MS, 'reading stream lengths') : undefined;
        if (read) counters = read;
        else error = pipeline ? 'not connected' : 'starting';
      } catch (readError) {
        error = describeRedisError(readError);
      }
      const managedPid = this.watchdog?.pid ?? choice.managedPid;
      redis = { url: redactRedisUrl(choice.url), reachable: error === null, managed: choice.managed, managedPid, error };
      if (error !== null && pipeline) problems.push(`Redis at ${redis.url} is not reachable (${error}); hooks spool events until it is back.`);
    } else {
      const url = choice?.kind === 'none' ? choice.configuredUrl : this.options.config.redisUrl;
      redis = { url: redactRedisUrl(url), reachable: false, managed: false, managedPid: null, error: choice?.kind === 'none' ? choice.reason : null };
      if (choice?.kind === 'none') problems.push(`Spool-only mode: ${choice.reason}. ${REDIS_INSTALL_HELP}`);
    }
    const figures = pipeline?.storeFigures();
    return {
      pid: process.pid,
      state: this.state,
      version: PRODUCT_VERSION,
      home: paths.home,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      socket: paths.socket,
      log: paths.log,
      mode: choice === undefined ? null : choice.kind === 'redis' ? 'redis' : 'spool_only',
      redis,
      ...counters,
      eventsStored: figures?.eventsStored ?? null,
      spoolBacklog: await readSpoolBacklog(paths.home),
      database: { path: telemetryDatabasePath(paths.home), sizeBytes: figures?.databaseBytes ?? null },
      ingest: pipeline ? { ...pipeline.stats() } : null,
      slowPath: pipeline?.slowPathStats() ? { ...pipeline.slowPathStats() } : null,
      api: { ...this.apiState },
      problems: this.apiState.error ? [...problems, `The local API is not serving: ${this.apiState.error}.`] : problems,
    };
  }
}
