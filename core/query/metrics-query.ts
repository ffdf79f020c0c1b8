// Live metrics as Layer 3 reads them: the hashes the metrics workers keep in Redis (metrics-redis.ts)
// for the current session, each tracked session, each scope's period views, and the time series.
// Values come back as the engine wrote them; a key that does not exist is an empty answer, not an
// error (no activity in that period).
import type { Redis } from 'ioredis';
import type { AggregateMetrics, Period } from '../metrics/aggregate-metrics.ts';
import type { CursorLineAcceptance } from '../metrics/cursor-line-acceptance.ts';
import type { LiveNumbers } from '../metrics/live-numbers.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { RedisKeys } from '../redis-keys.ts';
import { SERIES_FIELDS, SERIES_RESOLUTIONS, type SeriesPoint, type SeriesResolution } from '../slow-path/metrics-series.ts';

export interface LiveSession {
  session_uuid: string;
  platform: string;
  session_id: string;
  project_hash: string | null;
  first_event_at: string | null;
  last_event_at: string | null;
  live: LiveNumbers;
}

export interface PeriodView {
  period: Period;
  scope: string;
  sessions: number;
  /** Every metric of the scope over the period; null when nothing happened in it. */
  metrics: PublicView<AggregateMetrics> | null;
  /**
   * The same scope over the period before (1h, 24h and 7d: the daemon tracks 30 days); null when
   * nothing happened then, or for 30d.
   */
  previous: PublicView<AggregateMetrics> | null;
  /** Cursor's own accepted/suggested line counts (scopes `all` and `platform:cursor`). */
  cursor_line_acceptance: CursorLineAcceptance | null;
}

export interface SeriesAnswer {
  scope: string;
  resolution: SeriesResolution['name'];
  bucket_ms: number;
  fields: readonly string[];
  points: Array<{ start: string } & SeriesPoint>;
}

export type ScopeKind = 'platform' | 'project';

/** A Redis SCAN pattern matching `text` literally. */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

function liveSession(fields: Record<string, string>): LiveSession | null {
  if (!fields.session_uuid || !fields.live) return null;
  return {
    session_uuid: fields.session_uuid,
    platform: fields.platform ?? '',
    session_id: fields.session_id ?? '',
    project_hash: fields.project_hash || null,
    first_event_at: fields.first_event_at || null,
    last_event_at: fields.last_event_at || null,
    live: JSON.parse(fields.live) as LiveNumbers,
  };
}

export class MetricsQuery {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** The session with the latest activity and its live numbers; null before the first session. */
  async current(): Promise<LiveSession | null> {
    return liveSession(await this.redis.hgetall(this.keys.currentMetrics));
  }

  /** A session's live numbers while it is tracked (active in the last 30 days). */
  async session(sessionUuid: string): Promise<LiveSession | null> {
    return liveSession(await this.redis.hgetall(this.keys.sessionMetrics(sessionUuid)));
  }

  /** Sessions by latest activity, newest first. */
  async recentSessionIds(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.keys.sessionsByActivity, 0, limit - 1);
  }

  /** One scope's view of a period: `all`, `platform:<name>` or `project:<hash>`. */
  async period(period: Period, scope: string): Promise<PeriodView> {
    const fields = await this.redis.hgetall(this.keys.periodMetrics(scope, period));
    return {
      period,
      scope,
      sessions: Number(fields.sessions ?? 0),
      metrics: fields.metrics ? (JSON.parse(fields.metrics) as PublicView<AggregateMetrics>) : null,
      previous: fields.previous ? (JSON.parse(fields.previous) as PublicView<AggregateMetrics>) : null,
      cursor_line_acceptance: fields.cursor_line_acceptance ? (JSON.parse(fields.cursor_line_acceptance) as CursorLineAcceptance) : null,
    };
  }

  /** The views of every platform or every project with activity in the period. */
  async periodsBy(period: Period, kind: ScopeKind): Promise<PeriodView[]> {
    const head = this.keys.periodMetrics(`${kind}:`, period);
    const scopes = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${globLiteral(head)}*`, 'COUNT', 500);
      cursor = next;
      for (const key of found) scopes.add(`${kind}:${key.slice(head.length)}`);
    } while (cursor !== '0');
    const views = await Promise.all([...scopes].sort().map((scope) => this.period(period, scope)));
    return views.filter((view) => view.metrics !== null);
  }

  /** A scope's points at one resolution since `sinceMs`, oldest first. */
  async series(scope: string, resolution: SeriesResolution['name'], sinceMs: number): Promise<SeriesAnswer> {
    const spec = SERIES_RESOLUTIONS.find((candidate) => candidate.name === resolution)!;
    const stored = await this.redis.hgetall(this.keys.series(scope, resolution));
    const points = Object.entries(stored)
      .map(([start, json]) => ({ start: Number(start), point: JSON.parse(json) as SeriesPoint }))
      .filter((entry) => Number.isFinite(entry.start) && entry.start >= sinceMs)
      .sort((a, b) => a.start - b.start)
      .map((entry) => ({ start: new Date(entry.start).toISOString(), ...entry.point }));
    return { scope, resolution, bucket_ms: spec.bucketMs, fields: SERIES_FIELDS, points };
  }
}
