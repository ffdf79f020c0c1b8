// The slow path's CDC consumer against a real redis-server, with small workers standing in for the
// metrics and conversations workers (they record what they were handed; the real ones are tested
// through the daemon in slow-path-metrics.test.ts): every worker that takes an entry sees it, one
// session's entries reach a worker in order, an entry is acknowledged only once every worker is
// done with it, a worker that keeps failing sends its entries to the dead-letter stream after
// three attempts while the others go on, and entries a dead consumer left pending are reclaimed.
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { cdcEntryFields, cdcPriority, type CdcEntry } from '../../core/fast-path/cdc-entry.ts';
import { WORKERS_GROUP } from '../../core/fast-path/ingest-service.ts';
import { redisKeys } from '../../core/redis-keys.ts';
import { CdcConsumer, MAX_ATTEMPTS, type CdcWorker } from '../../core/slow-path/cdc-consumer.ts';
import { uniquePrefix } from '../support/hook-fixtures.ts';
import { memoryLog } from '../support/memory-log.ts';
import { startRedis, type PrivateRedis } from '../support/redis-server.ts';
import { waitFor } from '../support/daemon-process.ts';

class RecordingWorker implements CdcWorker {
  readonly seen: CdcEntry[] = [];
  calls = 0;
  readonly name: string;
  readonly lanes: number;
  private readonly accept: (entry: CdcEntry) => boolean;
  private readonly behave: (entries: readonly CdcEntry[]) => Promise<void>;

  constructor(name: string, lanes: number, accept: (entry: CdcEntry) => boolean = () => true, behave: (entries: readonly CdcEntry[]) => Promise<void> = async () => {}) {
    this.name = name;
    this.lanes = lanes;
    this.accept = accept;
    this.behave = behave;
  }

  takes(entry: CdcEntry): boolean {
    return this.accept(entry);
  }

  async handle(entries: readonly CdcEntry[]): Promise<void> {
    this.calls++;
    await this.behave(entries);
    this.seen.push(...entries);
  }
}

/** A CDC entry; its priority follows from its type as the fast path sets it (tool_use 2, hook_error 5). */
function entry(sequence: number, session: string, eventType: 'tool_use' | 'hook_error' = 'tool_use'): CdcEntry {
  return { sequence, event_id: `event-${sequence}`, session_uuid: session, event_type: eventType, platform: 'claude_code', priority: cdcPriority(eventType) };
}

async function pendingCount(client: Redis, stream: string): Promise<number> {
  const summary = (await client.xpending(stream, WORKERS_GROUP)) as [number, ...unknown[]];
  return Number(summary[0]);
}

describe('slow path: CDC consumer and worker pools', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let client: Redis;
  const consumers: CdcConsumer[] = [];
  const connections: Redis[] = [];

  before(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
  });
  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.close();
    for (const connection of connections.splice(0)) connection.disconnect();
  });

  function consumer(prefix: string, workers: CdcWorker[], options: { claimIdleMs?: number; retryDelayMs?: number } = {}): CdcConsumer {
    // RESP2, as the daemon's connections (connectRedis): stream replies in their documented shape.
    const reader = new Redis(redis.url, { maxRetriesPerRequest: null, protocol: 2 });
    const commands = new Redis(redis.url, { protocol: 2 });
    connections.push(reader, commands);
    const created = new CdcConsumer({ reader, commands, keys: redisKeys(prefix), workers, log: memoryLog(), blockMs: 100, retryDelayMs: 10, ...options });
    consumers.push(created);
    created.start();
    return created;
  }

  async function publish(prefix: string, entries: readonly CdcEntry[]): Promise<void> {
    const pipeline = client.pipeline();
    for (const item of entries) pipeline.xadd(redisKeys(prefix).cdc, '*', ...cdcEntryFields({ ...item }));
    await pipeline.exec();
  }

  it('hands each entry to every worker that takes it, keeps one session in order, and acknowledges once all are done', async () => {
    const prefix = uniquePrefix();
    let releaseSlow: () => void = () => {};
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const metrics = new RecordingWorker('metrics', 2);
    const conversations = new RecordingWorker('conversations', 2, (item) => item.priority <= 3, () => slowGate);
    consumer(prefix, [metrics, conversations]);
    const entries = Array.from({ length: 60 }, (_, index) => entry(index + 1, `session-${index % 3}`, index % 10 === 0 ? 'hook_error' : 'tool_use'));
    await publish(prefix, entries);
    try {
      await waitFor('metrics saw every entry', () => metrics.seen.length === 60 || undefined, 10_000);
      // The six entries only metrics takes are acknowledged; the 54 conversations took wait for it.
      await waitFor('54 entries pending', async () => (await pendingCount(client, redisKeys(prefix).cdc)) === 54 || undefined, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await pendingCount(client, redisKeys(prefix).cdc), 54, 'nothing conversations holds is acknowledged before it is done');
    } finally {
      releaseSlow();
    }
    await waitFor('all acknowledged', async () => (await pendingCount(client, redisKeys(prefix).cdc)) === 0 || undefined, 10_000);
    assert.equal(conversations.seen.length, 54, 'priority 5 entries are not the conversations worker’s');
    for (const session of ['session-0', 'session-1', 'session-2']) {
      const sequences = metrics.seen.filter((item) => item.session_uuid === session && item.priority === 2).map((item) => item.sequence);
      assert.deepEqual(sequences, [...sequences].sort((a, b) => a - b), `${session} stays in order`);
    }
    assert.ok(metrics.calls < 60, `a burst is coalesced into few calls (${metrics.calls})`);
  });

  it('dead-letters the entries of a worker that fails three times, with its reason, and the others go on', async () => {
    const prefix = uniquePrefix();
    const keys = redisKeys(prefix);
    const broken = new RecordingWorker('conversations', 1, (item) => item.session_uuid === 'poison', async () => {
      throw new Error('cannot build this session');
    });
    const metrics = new RecordingWorker('metrics', 2);
    consumer(prefix, [metrics, broken]);
    await publish(prefix, [entry(1, 'poison'), entry(2, 'healthy'), entry(3, 'healthy')]);
    await waitFor('everything acknowledged', async () => (metrics.seen.length === 3 && (await pendingCount(client, keys.cdc)) === 0) || undefined, 10_000);
    assert.equal(broken.calls, MAX_ATTEMPTS);
    const letters = await client.xrange(keys.deadLetters, '-', '+');
    assert.equal(letters.length, 1);
    const fields = letters[0]![1];
    assert.equal(fields[fields.indexOf('reason') + 1], 'worker_failed');
    assert.match(fields[fields.indexOf('detail') + 1]!, /^conversations: cannot build this session/);
    assert.equal(fields[fields.indexOf('sequence') + 1], '1', 'the original entry travels with its dead letter');
  });

  it('takes over what a dead consumer left pending, and dead-letters an entry delivered too often', async () => {
    const prefix = uniquePrefix();
    const keys = redisKeys(prefix);
    await client.xgroup('CREATE', keys.cdc, WORKERS_GROUP, '0', 'MKSTREAM');
    await publish(prefix, [entry(1, 'a'), entry(2, 'b')]);
    // A consumer that read both entries and died; entry 2 was delivered four times by then.
    await client.xreadgroup('GROUP', WORKERS_GROUP, 'dead-daemon', 'COUNT', 10, 'STREAMS', keys.cdc, '>');
    const [, second] = (await client.xrange(keys.cdc, '-', '+')).map(([id]) => id);
    for (let delivery = 0; delivery < 3; delivery++) await client.xclaim(keys.cdc, WORKERS_GROUP, 'dead-daemon', 0, second!);
    const metrics = new RecordingWorker('metrics', 1);
    consumer(prefix, [metrics], { claimIdleMs: 200 });
    await waitFor('the leftovers handled', async () => ((await pendingCount(client, keys.cdc)) === 0 && metrics.seen.length === 1) || undefined, 15_000);
    assert.deepEqual(metrics.seen.map((item) => item.sequence), [1]);
    const letters = await client.xrange(keys.deadLetters, '-', '+');
    assert.equal(letters.length, 1);
    assert.match(letters[0]![1][letters[0]![1].indexOf('detail') + 1]!, /delivered 5 times/);
  });
});
