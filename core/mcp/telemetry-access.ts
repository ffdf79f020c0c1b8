// What the MCP server reads, opened from the config and only through Layer 3 (core/query): the
// processed tables of telemetry.db (read-only, opened on first use, so a server started before
// the daemon's first run finds the database once it exists) and the live metrics in Redis (the
// configured URL, else the Redis the daemon manages; looked for again whenever the connection is
// gone). Each side fails alone with a ToolError that says how to fix it: the SQLite-backed tools
// keep answering while Redis is away.
import type { Redis } from 'ioredis';
import type { BlueplaneConfig } from '../config.ts';
import { daemonPaths } from '../daemon/daemon-paths.ts';
import { readManagedRedisRecord } from '../daemon/managed-redis.ts';
import { describeRedisError, probeRedis, redactRedisUrl, withTimeout } from '../daemon/redis-connection.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { AcceptanceAnalysisQuery } from '../query/acceptance-analysis.ts';
import { InsightsQuery } from '../query/insights-query.ts';
import { MetricsQuery } from '../query/metrics-query.ts';
import { ProcessedDatabase } from '../query/processed-database.ts';
import { SessionsQuery } from '../query/sessions-query.ts';
import { redisKeys } from '../redis-keys.ts';
import { NoDatabaseError } from '../storage/read-only-database.ts';

/** A failure the assistant should read as is: the tool answers it as an error result. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface ProcessedQueries {
  sessions: SessionsQuery;
  acceptance: AcceptanceAnalysisQuery;
  insights: InsightsQuery;
}

const PROBE_TIMEOUT_MS = 1000;
const READY_TIMEOUT_MS = 3000;
const COMMAND_TIMEOUT_MS = 3000;

export const NO_DATABASE_MESSAGE =
  'Blueplane has no telemetry database yet. Start the daemon with `blueplane start --detach` and install the hooks with `blueplane hooks install`, then work in Claude Code or Cursor: sessions appear here as they are processed.';

export class TelemetryAccess {
  private readonly config: BlueplaneConfig;
  private readonly log: (message: string) => void;
  private db: ProcessedDatabase | undefined;
  private queries: ProcessedQueries | undefined;
  private redis: Redis | undefined;
  private metricsQuery: MetricsQuery | undefined;
  private connecting: Promise<MetricsQuery> | undefined;
  private closed = false;

  constructor(config: BlueplaneConfig, log: (message: string) => void) {
    this.config = config;
    this.log = log;
  }

  /** The SQLite side; throws a ToolError saying how to start while there is no database. */
  processed(): ProcessedQueries {
    if (this.queries) return this.queries;
    let db: ProcessedDatabase;
    try {
      db = ProcessedDatabase.open(this.config.home);
    } catch (error) {
      if (error instanceof NoDatabaseError) throw new ToolError(NO_DATABASE_MESSAGE);
      throw error;
    }
    try {
      this.queries = { sessions: new SessionsQuery(db), acceptance: new AcceptanceAnalysisQuery(db), insights: new InsightsQuery(db) };
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    return this.queries;
  }

  /** Runs a read of the live metrics; a Redis that is away or stops answering becomes a ToolError. */
  async live<T>(read: (metrics: MetricsQuery) => Promise<T>): Promise<T> {
    const metrics = await this.liveMetrics();
    try {
      return await read(metrics);
    } catch (error) {
      if (this.redis?.status === 'ready') throw error;
      this.dropRedis();
      throw this.unreachable([describeRedisError(error)]);
    }
  }

  private liveMetrics(): Promise<MetricsQuery> {
    if (this.metricsQuery && this.redis?.status === 'ready') return Promise.resolve(this.metricsQuery);
    this.dropRedis();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private candidates(): string[] {
    const record = readManagedRedisRecord(daemonPaths(this.config.home).managedRedisRecord);
    return [...new Set([this.config.redisUrl, ...(record ? [record.url] : [])])];
  }

  private async connect(): Promise<MetricsQuery> {
    const problems: string[] = [];
    for (const url of this.candidates()) {
      const probe = await probeRedis(url, PROBE_TIMEOUT_MS);
      if (!probe.reachable) {
        problems.push(`${redactRedisUrl(url)}: ${probe.error}`);
        continue;
      }
      // No reconnecting in the background: the next tool call looks for Redis again.
      const redis = connectRedis(url, { connectionName: 'blueplane-mcp', maxRetriesPerRequest: 0, retryStrategy: () => null, commandTimeout: COMMAND_TIMEOUT_MS, lazyConnect: true });
      redis.on('error', (error: Error) => this.log(`redis ${redactRedisUrl(url)}: ${error.message}`));
      try {
        await withTimeout(redis.connect(), READY_TIMEOUT_MS, 'the connection to Redis');
      } catch (error) {
        redis.disconnect();
        problems.push(`${redactRedisUrl(url)}: ${describeRedisError(error)}`);
        continue;
      }
      if (this.closed) {
        redis.disconnect();
        throw new ToolError('the MCP server is shutting down');
      }
      this.redis = redis;
      this.metricsQuery = new MetricsQuery(redis, redisKeys(this.config.redisPrefix));
      return this.metricsQuery;
    }
    throw this.unreachable(problems);
  }

  private unreachable(problems: readonly string[]): ToolError {
    return new ToolError(
      `Redis is not reachable (${problems.join('; ')}), so the live metrics are not available. Run \`blueplane status\` to see why; \`blueplane start --detach\` starts the daemon, which starts its own Redis when redis-server is installed. The stored data still answers: session_metrics, recent_sessions, acceptance_analysis and insights.`,
    );
  }

  private dropRedis(): void {
    this.redis?.disconnect();
    this.redis = undefined;
    this.metricsQuery = undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropRedis();
    this.db?.close();
    this.db = undefined;
    this.queries = undefined;
  }
}
