// How the metrics workers write Redis: session snapshots (hashes), the current session, the
// activity index, period views per scope, and the time series, each in one MULTI so a reader
// never sees half an update; then one message on the updates channel. Values are written whole
// (HSET of absolute numbers, never HINCRBY), so writing the same state twice changes nothing.
import type { Redis } from 'ioredis';
import type { AggregateMetrics, Period } from '../metrics/aggregate-metrics.ts';
import type { CursorLineAcceptance } from '../metrics/cursor-line-acceptance.ts';
import { liveNumbers } from '../metrics/live-numbers.ts';
import { publicView } from '../metrics/public-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import type { RedisKeys } from '../redis-keys.ts';
import { parsePointKey, SERIES_RESOLUTIONS, type PointKey } from './metrics-series.ts';
import type { MetricsState, ScopeKey, TrackedSession } from './metrics-state.ts';
import { TRACKED_MS } from './metrics-state.ts';

type Multi = ReturnType<Redis['multi']>;

export function sessionFields(session: TrackedSession): Record<string, string> {
  const { metrics, ref } = session;
  const live = liveNumbers(metrics);
  return {
    session_uuid: ref.uuid,
    platform: ref.platform,
    session_id: ref.sessionId,
    project_hash: metrics.project_hash ?? '',
    first_event_at: metrics.first_event_at ?? '',
    last_event_at: metrics.last_event_at ?? '',
    events: String(metrics.quality.events),
    acceptance_rate: live.acceptance_rate.status === 'ok' ? String(live.acceptance_rate.value) : '',
    applied_edits: String(live.applied_edits),
    tokens: live.tokens.status === 'ok' ? String(live.tokens.value) : '',
    cost_usd: live.cost.status === 'ok' ? String(live.cost.value.usd) : '',
    tool_calls: String(live.tool_calls),
    tool_errors: String(live.tool_errors),
    active_time_ms: String(live.active_time_ms),
    live: JSON.stringify(live),
    metrics: JSON.stringify(publicView<SessionMetrics>(metrics)),
  };
}

export function periodFields(view: AggregateMetrics): Record<string, string> {
  return { sessions: String(view.sessions), metrics: JSON.stringify(publicView(view)) };
}

/** What writePeriods writes: each scope's views, the views of the periods before, Cursor's line counts. */
export interface PeriodViews {
  current: ReadonlyMap<ScopeKey, Partial<Record<Period, AggregateMetrics>>>;
  previous: ReadonlyMap<ScopeKey, Partial<Record<Period, AggregateMetrics>>>;
  cursorLines: Readonly<Record<Period, CursorLineAcceptance>>;
}

export function periodViewsOf(state: MetricsState, now: number): PeriodViews {
  return { current: state.periodViews(now), previous: state.previousPeriodViews(now), cursorLines: state.cursorLines(now) };
}

export class MetricsRedisWriter {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  /** Period keys written last time, so views that emptied are deleted. */
  private periodKeys = new Set<string>();

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Sessions that changed, the series points they touched, and the current session. */
  async writeSessions(sessions: readonly TrackedSession[], touched: ReadonlyMap<ScopeKey, ReadonlySet<PointKey>>, state: MetricsState, now: number): Promise<void> {
    const multi = this.redis.multi();
    for (const session of sessions) this.addSession(multi, session, now);
    for (const [scope, keys] of touched) this.addPoints(multi, state, scope, keys);
    this.addCurrent(multi, state);
    multi.publish(this.keys.metricsUpdates, JSON.stringify({ type: 'sessions', session_uuids: sessions.map((session) => session.ref.uuid) }));
    await multi.exec();
  }

  /**
   * Every period view, replacing the previous set, each with the view of the period before it
   * (field `previous`, where there is one); Cursor's own line counts go with the views of the
   * Cursor platform and of all sessions (field `cursor_line_acceptance`) for periods with a day.
   */
  async writePeriods(periods: PeriodViews): Promise<void> {
    const multi = this.redis.multi();
    const written = new Set<string>();
    const fieldsOf = new Map<string, Record<string, string>>();
    const fieldsAt = (scope: string, period: string): Record<string, string> => {
      const key = this.keys.periodMetrics(scope, period);
      let fields = fieldsOf.get(key);
      if (!fields) fieldsOf.set(key, (fields = { sessions: '0' }));
      return fields;
    };
    for (const [scope, views] of periods.current) {
      for (const [period, view] of Object.entries(views) as Array<[Period, AggregateMetrics]>) Object.assign(fieldsAt(scope, period), periodFields(view));
    }
    for (const [scope, views] of periods.previous) {
      for (const [period, view] of Object.entries(views) as Array<[Period, AggregateMetrics]>) fieldsAt(scope, period).previous = JSON.stringify(publicView(view));
    }
    for (const [period, lines] of Object.entries(periods.cursorLines) as Array<[Period, CursorLineAcceptance]>) {
      if (lines.days === 0) continue;
      for (const scope of ['all', 'platform:cursor']) fieldsAt(scope, period).cursor_line_acceptance = JSON.stringify(lines);
    }
    for (const [key, fields] of fieldsOf) {
      multi.del(key).hset(key, fields);
      written.add(key);
    }
    for (const key of this.periodKeys) if (!written.has(key)) multi.del(key);
    this.periodKeys = written;
    multi.publish(this.keys.metricsUpdates, JSON.stringify({ type: 'periods' }));
    await multi.exec();
  }

  /** Everything, from scratch: what a rebuild (and a daemon start) writes. */
  async writeAll(state: MetricsState, now: number): Promise<void> {
    await this.clear();
    const sessions = [...state.sessions.values()];
    const touched = new Map<ScopeKey, Set<PointKey>>([...state.series].map(([scope, points]) => [scope, new Set(points.keys())]));
    for (let start = 0; start < Math.max(sessions.length, 1); start += 200) {
      await this.writeSessions(sessions.slice(start, start + 200), start === 0 ? touched : new Map(), state, now);
    }
    await this.writePeriods(periodViewsOf(state, now));
  }

  /** Deletes every metrics key of this install (SCAN on the prefix; other keys are never touched). */
  async clear(): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keys.metricsPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    this.periodKeys.clear();
    return deleted;
  }

  private addSession(multi: Multi, session: TrackedSession, now: number): void {
    const key = this.keys.sessionMetrics(session.ref.uuid);
    multi.del(key).hset(key, sessionFields(session));
    multi.pexpire(key, Math.max(1, session.lastMs + TRACKED_MS - now));
    multi.zadd(this.keys.sessionsByActivity, session.lastMs, session.ref.uuid);
  }

  private addPoints(multi: Multi, state: MetricsState, scope: ScopeKey, keys: ReadonlySet<PointKey>): void {
    const points = state.series.get(scope);
    for (const pointKey of keys) {
      const { resolution, bucketStart } = parsePointKey(pointKey);
      const key = this.keys.series(scope, resolution);
      const point = points?.get(pointKey);
      if (point) multi.hset(key, String(bucketStart), JSON.stringify(point));
      else multi.hdel(key, String(bucketStart));
      multi.pexpire(key, SERIES_RESOLUTIONS.find((spec) => spec.name === resolution)!.retentionMs);
    }
  }

  private addCurrent(multi: Multi, state: MetricsState): void {
    const current = state.currentSession();
    multi.del(this.keys.currentMetrics);
    if (current) multi.hset(this.keys.currentMetrics, sessionFields(current));
  }
}
