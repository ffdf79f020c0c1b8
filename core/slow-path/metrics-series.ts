// Bucketed time series of the live metrics, without Redis modules: for each scope (all sessions, a
// project, a platform) and each resolution of the seed's retention (1 h at 1 s, 1 d at 1 min,
// 7 d at 5 min, 30 d at 1 h), one point per bucket holding event-level counters. A point is a
// sum over sessions, and each session's share is recomputed whole from its stored events whenever
// it changes, so the series is a pure function of raw_traces: redelivery changes nothing and
// `metrics rebuild` gives the same points. Counters, not rates: rates over a time range come from
// the period views, which merge exact tallies.
import type { TelemetryEvent } from '../event/envelope.ts';
import { SNAPSHOT_TYPES } from '../metrics/session-events.ts';

export interface SeriesResolution {
  name: '1s' | '1m' | '5m' | '1h';
  bucketMs: number;
  retentionMs: number;
}

export const SERIES_RESOLUTIONS: readonly SeriesResolution[] = [
  { name: '1s', bucketMs: 1_000, retentionMs: 3_600_000 },
  { name: '1m', bucketMs: 60_000, retentionMs: 86_400_000 },
  { name: '5m', bucketMs: 300_000, retentionMs: 7 * 86_400_000 },
  { name: '1h', bucketMs: 3_600_000, retentionMs: 30 * 86_400_000 },
];

export const SERIES_FIELDS = ['events', 'prompts', 'tool_calls', 'tool_errors', 'edits', 'lines_added', 'lines_removed', 'tokens'] as const;
export type SeriesPoint = Record<(typeof SERIES_FIELDS)[number], number>;

/** `<resolution>|<bucket start ms>`: one point of one resolution. */
export type PointKey = string;

export function pointKey(resolution: SeriesResolution['name'], bucketStart: number): PointKey {
  return `${resolution}|${bucketStart}`;
}

export function parsePointKey(key: PointKey): { resolution: SeriesResolution['name']; bucketStart: number } {
  const bar = key.indexOf('|');
  return { resolution: key.slice(0, bar) as SeriesResolution['name'], bucketStart: Number(key.slice(bar + 1)) };
}

function emptyPoint(): SeriesPoint {
  return { events: 0, prompts: 0, tool_calls: 0, tool_errors: 0, edits: 0, lines_added: 0, lines_removed: 0, tokens: 0 };
}

/** Tool outcomes of both platforms: Claude's PostToolUse(Failure), Cursor's shell and MCP ends. */
const TOOL_OUTCOMES = new Set(['tool_use', 'tool_failure', 'shell_execution', 'mcp_execution']);
/** Where the engine counts applied lines: accepted edit calls, Cursor's agent and Tab edits. */
const APPLIED_EDITS = new Set(['tool_use', 'file_edit', 'tab_file_edit']);

function addEvent(point: SeriesPoint, event: TelemetryEvent): void {
  const { event_type: type, payload } = event;
  point.events++;
  if (type === 'user_prompt') point.prompts++;
  if (TOOL_OUTCOMES.has(type)) point.tool_calls++;
  // As in the engine: an interrupt is the user's decision, not a tool error.
  if ((type === 'tool_failure' && payload.is_interrupt !== true) || (type === 'shell_execution' && payload.exit_code !== undefined && payload.exit_code !== 0)) point.tool_errors++;
  if (APPLIED_EDITS.has(type) && (payload.lines_added !== undefined || payload.lines_removed !== undefined)) {
    point.edits++;
    point.lines_added += payload.lines_added ?? 0;
    point.lines_removed += payload.lines_removed ?? 0;
  }
  if (type === 'token_usage') point.tokens += payload.total_tokens ?? 0;
}

/**
 * One session's share of every point still within retention at `now`. Duplicates (same event_id)
 * count once, as in the metrics engine.
 */
export function sessionSeries(events: readonly TelemetryEvent[], now: number): Map<PointKey, SeriesPoint> {
  const points = new Map<PointKey, SeriesPoint>();
  const seen = new Set<string>();
  for (const event of events) {
    if (SNAPSHOT_TYPES.has(event.event_type) || seen.has(event.event_id)) continue;
    seen.add(event.event_id);
    const ms = Date.parse(event.timestamp);
    if (!Number.isFinite(ms)) continue;
    for (const resolution of SERIES_RESOLUTIONS) {
      const bucketStart = Math.floor(ms / resolution.bucketMs) * resolution.bucketMs;
      if (bucketStart + resolution.bucketMs <= now - resolution.retentionMs) continue;
      const key = pointKey(resolution.name, bucketStart);
      let point = points.get(key);
      if (!point) points.set(key, (point = emptyPoint()));
      addEvent(point, event);
    }
  }
  return points;
}

/** Adds `sign` × share into the scope's points; returns the keys it touched. Points that fall to zero events are removed. */
export function applyShare(scope: Map<PointKey, SeriesPoint>, share: ReadonlyMap<PointKey, SeriesPoint>, sign: 1 | -1, touched: Set<PointKey>): void {
  for (const [key, part] of share) {
    let point = scope.get(key);
    if (!point) scope.set(key, (point = emptyPoint()));
    for (const field of SERIES_FIELDS) point[field] += sign * part[field];
    if (point.events <= 0) scope.delete(key);
    touched.add(key);
  }
}

/** Whether a point has aged out of its resolution's retention. */
export function isExpired(key: PointKey, now: number): boolean {
  const { resolution, bucketStart } = parsePointKey(key);
  const spec = SERIES_RESOLUTIONS.find((candidate) => candidate.name === resolution)!;
  return bucketStart + spec.bucketMs <= now - spec.retentionMs;
}
