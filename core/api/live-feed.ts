// What the WebSockets push, as it happens rather than by polling: the metrics workers publish on
// the updates channel after each Redis write (metrics-redis.ts), and the fast path appends one CDC
// entry per stored event. The feed subscribes to the first and reads the second (XREAD BLOCK from
// the newest entry) only while someone listens, and hands each listener what it asked for.
//   /ws/metrics          {type: 'current', session} on connect and whenever a session changes;
//                        {type: 'periods'} when the period views were rewritten
//   /ws/sessions/{uuid}  {type: 'session', session} on connect and whenever that session changes
//   /ws/events           {type: 'event', …} per stored event (ids, type, platform: no content)
import type { Redis } from 'ioredis';
import { parseCdcEntry } from '../fast-path/cdc-entry.ts';
import type { Log } from '../log.ts';
import type { MetricsQuery } from '../query/metrics-query.ts';
import type { RedisKeys } from '../redis-keys.ts';

export type Listener =
  | { kind: 'metrics'; send(message: object): void }
  | { kind: 'session'; sessionUuid: string; send(message: object): void }
  | { kind: 'events'; sessionUuid?: string; send(message: object): void };

interface FeedRedis {
  subscriber: Redis;
  reader: Redis;
  metrics: MetricsQuery;
}

export class LiveFeed {
  private readonly keys: RedisKeys;
  private readonly log: Log;
  private readonly listeners = new Set<Listener>();
  private redis: FeedRedis | undefined;
  private reading = false;
  private closed = false;

  constructor(keys: RedisKeys, log: Log) {
    this.keys = keys;
    this.log = log;
  }

  /** Starts (or stops, with undefined) following a Redis; the clients are the feed's to close. */
  use(redis: FeedRedis | undefined): void {
    this.redis = redis;
    if (!redis) return;
    redis.subscriber.on('message', (_channel: string, message: string) => void this.onUpdate(message));
    redis.subscriber.subscribe(this.keys.metricsUpdates).catch((error: unknown) => this.log.warn('api_subscribe_failed', { code: (error as Error).name }));
    this.readEvents();
  }

  add(listener: Listener): void {
    this.listeners.add(listener);
    if (listener.kind === 'metrics') void this.pushCurrent([listener]);
    if (listener.kind === 'session') void this.pushSession(listener.sessionUuid, [listener]);
    if (listener.kind === 'events') this.readEvents();
  }

  remove(listener: Listener): void {
    this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  private of<K extends Listener['kind']>(kind: K): Array<Extract<Listener, { kind: K }>> {
    return [...this.listeners].filter((listener): listener is Extract<Listener, { kind: K }> => listener.kind === kind);
  }

  private async onUpdate(message: string): Promise<void> {
    let update: { type?: string; session_uuids?: unknown };
    try {
      update = JSON.parse(message) as typeof update;
    } catch {
      return;
    }
    if (update.type === 'periods') {
      for (const listener of this.of('metrics')) listener.send({ type: 'periods' });
      return;
    }
    const changed = new Set(Array.isArray(update.session_uuids) ? update.session_uuids.filter((id): id is string => typeof id === 'string') : []);
    await this.pushCurrent(this.of('metrics'));
    for (const uuid of changed) {
      const listeners = this.of('session').filter((listener) => listener.sessionUuid === uuid);
      if (listeners.length > 0) await this.pushSession(uuid, listeners);
    }
  }

  private async pushCurrent(listeners: ReadonlyArray<Listener>): Promise<void> {
    if (!this.redis || listeners.length === 0) return;
    try {
      const session = await this.redis.metrics.current();
      for (const listener of listeners) listener.send({ type: 'current', session });
    } catch (error) {
      this.log.warn('api_push_failed', { code: (error as Error).name });
    }
  }

  private async pushSession(uuid: string, listeners: ReadonlyArray<Listener>): Promise<void> {
    if (!this.redis) return;
    try {
      const session = await this.redis.metrics.session(uuid);
      for (const listener of listeners) listener.send({ type: 'session', session });
    } catch (error) {
      this.log.warn('api_push_failed', { code: (error as Error).name });
    }
  }

  /** Follows the CDC stream while an events listener is connected; one loop at a time. */
  private readEvents(): void {
    if (this.reading || this.closed || !this.redis || this.of('events').length === 0) return;
    this.reading = true;
    const redis = this.redis;
    void (async () => {
      let last = '$';
      while (!this.closed && this.redis === redis && this.of('events').length > 0) {
        try {
          const reply = (await redis.reader.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', this.keys.cdc, last)) as Array<[string, Array<[string, string[]]>]> | null;
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              last = id;
              const entry = parseCdcEntry(fields);
              if (!entry) continue;
              const message = { type: 'event', stream_id: id, at: new Date(Number(id.split('-')[0])).toISOString(), ...entry };
              for (const listener of this.of('events')) if (!listener.sessionUuid || listener.sessionUuid === entry.session_uuid) listener.send(message);
            }
          }
        } catch (error) {
          if (this.closed) break;
          this.log.warn('api_events_read_failed', { code: (error as Error).name });
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      this.reading = false;
    })();
  }
}
