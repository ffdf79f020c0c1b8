// Every Redis key Blueplane uses, with the configured prefix applied in one place.
export interface RedisKeys {
  /** Ingest stream the hooks write to (consumer group "processors"). */
  events: string;
  /** Change-data-capture stream the fast path writes after each commit (consumer group "workers"). */
  cdc: string;
  /** Dead letters, each with a reason. */
  deadLetters: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    events: `${prefix}telemetry:events`,
    cdc: `${prefix}cdc:events`,
    deadLetters: `${prefix}telemetry:dlq`,
  };
}
