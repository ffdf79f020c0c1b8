// Every Redis key Blueplane uses, with the configured prefix applied in one place.
export interface RedisKeys {
  /** Ingest stream the hooks write to (consumer group "processors"). */
  events: string;
  /** Change-data-capture stream the fast path writes after each commit (consumer group "workers"). */
  cdc: string;
  /** Dead letters, each with a reason. */
  deadLetters: string;
  /** Everything the metrics workers write starts with this (rebuild clears it by SCAN, never FLUSHALL). */
  metricsPrefix: string;
  /** Hash: one session's metrics snapshot and live numbers. */
  sessionMetrics(sessionUuid: string): string;
  /** Hash: the live numbers of the session with the latest activity (the status bar). */
  currentMetrics: string;
  /** Sorted set: session UUIDs by their last event time (ms). */
  sessionsByActivity: string;
  /** Hash: a scope's view over a period; scope `all`, `project:<hash>` or `platform:<name>`. */
  periodMetrics(scope: string, period: string): string;
  /** Hash: a scope's time series at one resolution, field = bucket start (ms). */
  series(scope: string, resolution: string): string;
  /** Pub/sub channel: a JSON message each time metrics change (the API pushes from it). */
  metricsUpdates: string;
}

export function redisKeys(prefix: string): RedisKeys {
  const metrics = `${prefix}metrics:`;
  return {
    events: `${prefix}telemetry:events`,
    cdc: `${prefix}cdc:events`,
    deadLetters: `${prefix}telemetry:dlq`,
    metricsPrefix: metrics,
    sessionMetrics: (sessionUuid) => `${metrics}session:${sessionUuid}`,
    currentMetrics: `${metrics}current`,
    sessionsByActivity: `${metrics}sessions`,
    periodMetrics: (scope, period) => `${metrics}period:${period}:${scope}`,
    series: (scope, resolution) => `${metrics}ts:${resolution}:${scope}`,
    metricsUpdates: `${metrics}updates`,
  };
}
