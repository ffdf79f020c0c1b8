// The slow path as one service: the CDC consumer and its workers (metrics, conversations,
// insights, in that order of priority), the metrics state they share,
// and the timers that keep period views and series current as time passes. start() first rebuilds
// the metrics from SQLite (the truth) and writes them whole, then starts reading cdc:events; what
// arrived meanwhile waits in the stream and is applied after, harmlessly (recomputation is
// idempotent). Runs only with Redis: without it there is no CDC stream and no live metrics.
import type { Redis } from 'ioredis';
import type { Log } from '../log.ts';
import type { PriceOf } from '../metrics/token-usage.ts';
import type { RedisKeys } from '../redis-keys.ts';
import type { TelemetryStore } from '../storage/telemetry-store.ts';
import { CdcConsumer, type CdcStats, type CdcWorker } from './cdc-consumer.ts';
import { MetricsRedisWriter, periodViewsOf } from './metrics-redis.ts';
import { buildMetricsState } from './metrics-rebuild.ts';
import type { RebuildReport } from './metrics-rebuild.ts';
import { MetricsState, TRACKED_MS } from './metrics-state.ts';
import { ConversationsWorker } from './conversations-worker.ts';
import { InsightsWorker } from './insights-worker.ts';
import { MetricsWorker } from './metrics-worker.ts';
import { SessionSource } from './session-source.ts';

export interface SlowPathOptions {
  store: TelemetryStore;
  reader: Redis;
  commands: Redis;
  keys: RedisKeys;
  log: Log;
  priceOf: PriceOf;
  now?: () => number;
}

/** Period views are recomputed at most this often after a change, and at least this often anyway. */
const PERIODS_DEBOUNCE_MS = 2_000;
const PERIODS_REFRESH_MS = 60_000;
const START_RETRY_MAX_MS = 10_000;

export class SlowPath {
  private readonly options: SlowPathOptions;
  private readonly source: SessionSource;
  private readonly writer: MetricsRedisWriter;
  private readonly now: () => number;
  private state: MetricsState;
  private consumer: CdcConsumer | undefined;
  private workers: CdcWorker[] = [];
  private periodsTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private periodsRunning: Promise<void> = Promise.resolve();
  private closed = false;
  private starting: Promise<void> | undefined;

  constructor(options: SlowPathOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.source = new SessionSource(options.store.connection());
    this.writer = new MetricsRedisWriter(options.commands, options.keys);
    this.state = new MetricsState(this.source, options.priceOf);
  }

  /** Resolves once the consumer reads (or the slow path was closed first). */
  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    // Redis may be briefly away (a managed one restarting): try again rather than run without metrics.
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        await this.rebuild();
        break;
      } catch (error) {
        this.options.log.warn('metrics_rebuild_failed', { attempt, error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 1000, START_RETRY_MAX_MS)).unref());
      }
    }
    if (this.closed) return;
    const db = this.options.store.connection();
    const sessionAt = (sequence: number) => this.source.sessionAt(sequence);
    const state = () => this.state;
    const workers: CdcWorker[] = [
      new MetricsWorker({ state, writer: this.writer, sessionAt, onChange: () => this.schedulePeriods(), now: this.now }),
      new ConversationsWorker({ db, source: this.source, priceOf: this.options.priceOf }),
      new InsightsWorker({ db, state, sessionAt, log: this.options.log, now: this.now }),
    ];
    this.workers = workers;
    for (const worker of workers) {
      if (this.closed) return;
      await worker.prepare?.();
    }
    this.consumer = new CdcConsumer({ reader: this.options.reader, commands: this.options.commands, keys: this.options.keys, workers, log: this.options.log });
    this.consumer.start();
    this.refreshTimer = setInterval(() => void this.tick(), PERIODS_REFRESH_MS);
    this.refreshTimer.unref();
    // After a reconnection Redis may be a fresh one (restarted without persistence): write the
    // metrics whole again from memory, as SQLite has them.
    this.options.commands.on('ready', () => {
      if (this.closed) return;
      this.options.log.info('metrics_rewritten_after_reconnect', { sessions: this.state.sessions.size });
      void this.writer.writeAll(this.state, this.now()).catch((error: unknown) => this.options.log.warn('metrics_rewrite_failed', { error: (error as Error).message }));
    });
  }

  /** Recomputes every metric from SQLite and replaces the metrics in Redis. */
  async rebuild(): Promise<RebuildReport> {
    const started = performance.now();
    const now = this.now();
    const state = await buildMetricsState(this.source, this.options.priceOf, now);
    this.state = state;
    await this.writer.writeAll(state, now);
    const report = { sessions: state.sessions.size, scopes: state.series.size, ms: Math.round(performance.now() - started) };
    this.options.log.info('metrics_rebuilt', report);
    return report;
  }

  stats(): CdcStats | undefined {
    return this.consumer?.stats();
  }

  private schedulePeriods(): void {
    if (this.periodsTimer || this.closed) return;
    this.periodsTimer = setTimeout(() => {
      this.periodsTimer = undefined;
      this.periodsRunning = this.periodsRunning.then(() => this.writePeriods());
    }, PERIODS_DEBOUNCE_MS);
    this.periodsTimer.unref();
  }

  private async writePeriods(): Promise<void> {
    try {
      const now = this.now();
      await this.writer.writePeriods(periodViewsOf(this.state, now));
    } catch (error) {
      this.options.log.warn('metrics_periods_failed', { error: (error as Error).message });
    }
  }

  /** Time passing: sessions and points age out, rolling periods move. */
  private async tick(): Promise<void> {
    const now = this.now();
    try {
      const removed = this.state.expire(now);
      await this.writer.writeSessions([], removed, this.state, now);
      await this.options.commands.zremrangebyscore(this.options.keys.sessionsByActivity, '-inf', now - TRACKED_MS);
    } catch (error) {
      this.options.log.warn('metrics_expire_failed', { error: (error as Error).message });
    }
    this.periodsRunning = this.periodsRunning.then(() => this.writePeriods());
  }

  /** Stops starting (or reading), lets the workers finish what they hold, acknowledges it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.starting;
    clearTimeout(this.periodsTimer);
    clearInterval(this.refreshTimer);
    await this.consumer?.close();
    for (const worker of this.workers) worker.close?.();
    await this.periodsRunning;
  }
}
