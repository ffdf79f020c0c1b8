// The stores behind the API (ApiData): the processed tables through a read-only connection opened
// when first needed (the daemon creates the database; a client asking before gets a 503 that says
// so), and Redis through clients that fail fast instead of queueing while it is away, so an answer
// never hangs on a Redis that is down. Exports get a connection of their own: a stream that waits
// on a slow client must not keep the shared one busy.
import type { Redis } from 'ioredis';
import type { BlueplaneConfig } from '../config.ts';
import { redactRedisUrl } from '../daemon/redis-connection.ts';
import { writeExport } from '../export/write-export.ts';
import type { TableName } from '../export/export-tables.ts';
import { connectRedis } from '../fast-path/redis-connection.ts';
import { AcceptanceAnalysisQuery } from '../query/acceptance-analysis.ts';
import { InsightsQuery } from '../query/insights-query.ts';
import { MetricsQuery } from '../query/metrics-query.ts';
import { ProcessedDatabase } from '../query/processed-database.ts';
import { SessionsQuery } from '../query/sessions-query.ts';
import type { RedisKeys } from '../redis-keys.ts';
import { NoDatabaseError } from '../storage/read-only-database.ts';
import { PRODUCT_VERSION } from '../version.ts';
import { unavailableService } from './api-error.ts';
import type { ApiSettings } from './api-settings.ts';
import { configAnswer, saveConfig } from './config-endpoint.ts';
import type { ApiData, ExportRequest, Health, StreamedAnswer } from './routes.ts';

interface Queries {
  db: ProcessedDatabase;
  sessions: SessionsQuery;
  acceptance: AcceptanceAnalysisQuery;
  insights: InsightsQuery;
}

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json', parquet: 'application/vnd.apache.parquet' } as const;

/** Guards Redis reads: a Redis that is away, or fails mid-answer, is a 503 naming the fix. */
function redisAway(): Error {
  return unavailableService('Redis is not reachable, so live metrics cannot be read; `blueplane status` shows why');
}

export class ApiStores implements ApiData {
  private readonly blueplane: BlueplaneConfig;
  private readonly settings: ApiSettings;
  private readonly env: Record<string, string | undefined>;
  private readonly keys: RedisKeys;
  private readonly startedAt = Date.now();
  private queries: Queries | undefined;
  private redis: Redis | undefined;
  private metricsQuery: MetricsQuery | undefined;

  constructor(config: BlueplaneConfig, settings: ApiSettings, env: Record<string, string | undefined>, keys: RedisKeys) {
    this.blueplane = config;
    this.settings = settings;
    this.env = env;
    this.keys = keys;
  }

  /** Follows a Redis (the daemon's choice, which can change while it runs); returns the client, or undefined. */
  useRedis(url: string | undefined): Redis | undefined {
    this.redis?.disconnect();
    this.redis = url ? connectRedis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'blueplane-api', retryStrategy: (attempt) => Math.min(attempt * 200, 2000) }) : undefined;
    this.redis?.on('error', () => undefined);
    this.metricsQuery = this.redis ? this.guardedMetrics(new MetricsQuery(this.redis, this.keys)) : undefined;
    return this.redis;
  }

  /** A MetricsQuery whose every call answers 503 while Redis is away instead of failing obscurely. */
  private guardedMetrics(query: MetricsQuery): MetricsQuery {
    const redis = this.redis!;
    return new Proxy(query, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (redis.status !== 'ready') throw redisAway();
          try {
            return await (value as (...inner: unknown[]) => Promise<unknown>).apply(target, args);
          } catch {
            throw redisAway();
          }
        };
      },
    });
  }

  private open(): Queries {
    if (!this.queries) {
      let db: ProcessedDatabase;
      try {
        db = ProcessedDatabase.open(this.blueplane.home);
      } catch (error) {
        if (error instanceof NoDatabaseError) throw unavailableService(error.message);
        throw error;
      }
      this.queries = { db, sessions: new SessionsQuery(db), acceptance: new AcceptanceAnalysisQuery(db), insights: new InsightsQuery(db) };
    }
    return this.queries;
  }

  sessions(): SessionsQuery {
    return this.open().sessions;
  }

  acceptance(): AcceptanceAnalysisQuery {
    return this.open().acceptance;
  }

  insights(): InsightsQuery {
    return this.open().insights;
  }

  metrics(): MetricsQuery {
    if (!this.metricsQuery) throw unavailableService(`the daemon runs without Redis (${redactRedisUrl(this.blueplane.redisUrl)} is not reachable), so there are no live metrics; \`blueplane status\` shows why`);
    return this.metricsQuery;
  }

  async health(): Promise<Health> {
    let database: Health['database'] = 'ok';
    try {
      this.open();
    } catch {
      database = 'missing';
    }
    const redis = this.redis?.status === 'ready' ? 'connected' : 'unavailable';
    return {
      status: database === 'ok' && redis === 'connected' ? 'ok' : 'degraded',
      version: PRODUCT_VERSION,
      uptime_s: Math.floor((Date.now() - this.startedAt) / 1000),
      database,
      redis,
    };
  }

  config(): unknown {
    return configAnswer(this.blueplane, this.settings);
  }

  saveConfig(body: unknown): unknown {
    return saveConfig(this.blueplane.home, this.env, body);
  }

  exportData(request: ExportRequest): StreamedAnswer {
    this.open();
    const home = this.blueplane.home;
    const extension = request.format === 'json' ? 'json' : request.format;
    const name = request.format === 'json' ? 'blueplane-export' : `blueplane-${request.table}`;
    return {
      kind: 'stream',
      contentType: CONTENT_TYPES[request.format],
      fileName: `${name}.${extension}`,
      async write(output) {
        const db = ProcessedDatabase.open(home);
        try {
          await writeExport(db, { format: request.format, table: request.table as TableName, range: { since: request.since ?? null, until: request.until ?? null }, anonymize: request.anonymize }, output);
        } finally {
          db.close();
        }
      },
    };
  }

  now(): number {
    return Date.now();
  }

  close(): void {
    this.redis?.disconnect();
    this.queries?.db.close();
    this.queries = undefined;
  }
}
