import assert from 'node:assert/strict';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { CDC_PRIORITY } from '../../core/fast-path/cdc-entry.ts';
import { decodeEventJson } from '../../core/storage/event-codec.ts';
import { fixtureEvents, syntheticEvents } from '../support/ingest-events.ts';
import { IngestHarness, waitFor } from '../support/ingest-harness.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('fast path: ingest from the stream', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let harness: IngestHarness;

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    harness = new IngestHarness(redis);
  });
  afterEach(async () => {
    await harness.close();
  });

  for (const encoder of ['worker', 'inline'] as const) {
    it(`stores every event the hooks sent, exactly as sent, with one CDC entry each (encoder: ${encoder})`, async () => {
      const events: TelemetryEvent[] = [...fixtureEvents(), ...syntheticEvents(1500, 17)];
      const service = harness.service(encoder === 'inline' ? { encoderWorker: false } : {});
      await service.start();
      await harness.xadd(events);
      await waitFor(() => service.stats().eventsStored === events.length, 20_000, 'all events stored');
      await waitFor(async () => service.stats().cdcPublished === events.length && (await harness.pending()).length === 0, 10_000, 'CDC and acks');

      const rows = harness.rows();
      assert.equal(rows.length, events.length);
      const byId = new Map(events.map((event) => [event.event_id, event]));
      const sent = new Map(events.map((event) => [event.event_id, JSON.stringify(event)]));
      for (const row of rows) {
        const event = byId.get(row.event_id)!;
        assert.ok(event, `row ${row.sequence} is an event that was sent`);
        assert.equal(decodeEventJson(row.event_data, row.codec), sent.get(row.event_id), 'stored JSON is byte for byte what the hook sent');
        assert.deepEqual(
          [row.session_id, row.event_type, row.platform, row.timestamp, row.workspace_hash, row.project_hash, row.model, row.tool_name],
          [event.session_id, event.event_type, event.platform, event.timestamp, event.metadata.workspace_hash ?? null, event.metadata.project_hash ?? null, event.metadata.model ?? null, event.payload.tool ?? null],
        );
        assert.deepEqual(
          [row.duration_ms, row.lines_added, row.lines_removed],
          [event.payload.duration_ms ?? null, event.payload.lines_added ?? null, event.payload.lines_removed ?? null],
        );
        const tokens = event.payload.total_tokens ?? (event.payload.input_tokens !== undefined || event.payload.output_tokens !== undefined ? (event.payload.input_tokens ?? 0) + (event.payload.output_tokens ?? 0) : null);
        assert.equal(row.tokens_used, tokens);
        assert.equal(row.event_date, event.timestamp.slice(0, 10));
      }
      assert.deepEqual(
        rows.map((row) => row.event_id),
        events.map((event) => event.event_id),
        'rows are in stream order',
      );

      // Sessions: one mapping per (IDE session, platform, project), counting its events.
      const expected = new Map<string, number>();
      for (const event of events) {
        const key = `${event.session_id}|${event.platform}|${event.metadata.project_hash ?? ''}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const mappings = harness.sessionMappings();
      assert.deepEqual(new Map(mappings.map((mapping) => [`${mapping.external_id}|${mapping.platform}|${mapping.project_hash}`, mapping.event_count])), expected);
      for (const mapping of mappings) assert.match(mapping.session_uuid, UUID_V7);
      const uuidByKey = new Map(mappings.map((mapping) => [`${mapping.external_id}|${mapping.platform}|${mapping.project_hash}`, mapping.session_uuid]));

      // CDC: one entry per stored row, in sequence order, with the row's session and priority.
      const cdc = await harness.cdc();
      assert.deepEqual(
        cdc.map((entry) => Number(entry.sequence)),
        rows.map((row) => row.sequence),
      );
      cdc.forEach((entry, index) => {
        const row = rows[index]!;
        assert.equal(entry.event_id, row.event_id);
        assert.equal(entry.event_type, row.event_type);
        assert.equal(entry.platform, row.platform);
        assert.equal(entry.session_uuid, uuidByKey.get(`${row.session_id}|${row.platform}|${row.project_hash ?? ''}`));
        assert.equal(Number(entry.priority), CDC_PRIORITY[row.event_type as keyof typeof CDC_PRIORITY]);
      });
      assert.deepEqual(await harness.deadLetters(), []);
      const stats = service.stats();
      assert.equal(stats.eventsStored, events.length);
      assert.equal(stats.cdcPublished, events.length);
      assert.equal(stats.redisConnected, 1);
    });
  }

  it('gives user prompts and turn boundaries priority 1, tools 2, assistant output 3, notifications 4, hook errors 5', () => {
    assert.deepEqual(
      (['user_prompt', 'session_start', 'session_end', 'turn_end', 'turn_error'] as const).map((type) => CDC_PRIORITY[type]),
      [1, 1, 1, 1, 1],
    );
    assert.deepEqual(
      (['tool_start', 'tool_use', 'tool_failure', 'tool_batch', 'permission_request', 'permission_denied', 'file_edit', 'tab_file_edit', 'shell_start', 'shell_execution', 'mcp_start', 'mcp_execution'] as const).map(
        (type) => CDC_PRIORITY[type],
      ),
      Array(12).fill(2),
    );
    assert.deepEqual((['assistant_response', 'subagent_start', 'subagent_stop', 'compaction_start', 'compaction_end'] as const).map((type) => CDC_PRIORITY[type]), [3, 3, 3, 3, 3]);
    assert.deepEqual((['notification', 'config_change', 'workspace_open', 'cwd_change'] as const).map((type) => CDC_PRIORITY[type]), [4, 4, 4, 4]);
    assert.deepEqual((['hook_error', 'other'] as const).map((type) => CDC_PRIORITY[type]), [5, 5]);
  });

  it('stores an event sent twice once, with one CDC entry', async () => {
    const events = syntheticEvents(50, 23);
    const service = harness.service();
    await service.start();
    await harness.xadd([...events, ...events.slice(0, 20)]);
    await waitFor(async () => (await harness.pending()).length === 0 && service.stats().batches > 0 && service.stats().eventsStored + service.stats().duplicates === 70, 10_000, 'both copies handled');
    await harness.xadd(events.slice(40));
    await waitFor(() => service.stats().duplicates === 30, 10_000, 'third copies handled');
    await waitFor(async () => (await harness.pending()).length === 0);
    assert.equal(harness.rows().length, 50);
    assert.equal((await harness.cdc()).length, 50);
    assert.equal(service.stats().eventsStored, 50);
  });

  it('reclaims entries a dead consumer never acknowledged, and stores them once', async () => {
    const events = syntheticEvents(30, 29);
    // A daemon that read 30 entries and died before acknowledging them; 10 of them it had stored.
    const first = harness.service({ consumerName: 'crashed' });
    await first.start();
    await first.close();
    await harness.xadd(events);
    await harness.producer.call('XREADGROUP', 'GROUP', 'processors', 'crashed', 'COUNT', 100, 'STREAMS', harness.keys.events, '>');
    const { encodeEvent } = await import('../../core/storage/event-codec.ts');
    harness.store.insertBatch(events.slice(0, 10).map((event) => encodeEvent(event)));
    assert.equal((await harness.pending()).length, 30);

    const service = harness.service({ tuning: { claimIdleMs: 200, maintenanceIntervalMs: 100 } });
    await service.start();
    await waitFor(async () => (await harness.pending()).length === 0, 10_000, 'pending entries reclaimed and acknowledged');
    assert.equal(harness.rows().length, 30);
    const cdc = await harness.cdc();
    assert.deepEqual(
      cdc.map((entry) => entry.event_id).sort(),
      events
        .slice(10)
        .map((event) => event.event_id)
        .sort(),
      'a CDC entry only for the 20 rows this service inserted',
    );
    assert.equal(service.stats().reclaimed, 30);
    assert.equal(service.stats().duplicates, 10);
  });

  it('dead-letters an entry delivered 3 times without being acknowledged, and processes the others', async () => {
    const [poison, fine] = syntheticEvents(2, 31);
    await harness.producer.call('XGROUP', 'CREATE', harness.keys.events, 'processors', '0', 'MKSTREAM');
    const [poisonId, fineId] = await harness.xadd([poison!, fine!]);
    await harness.producer.call('XREADGROUP', 'GROUP', 'processors', 'ghost', 'COUNT', 10, 'STREAMS', harness.keys.events, '>');
    // Two more deliveries of the first entry (as two failed reclaims would do): 3 in all.
    await harness.producer.call('XCLAIM', harness.keys.events, 'processors', 'ghost', 0, poisonId!);
    await harness.producer.call('XCLAIM', harness.keys.events, 'processors', 'ghost', 0, poisonId!);
    const service = harness.service({ tuning: { claimIdleMs: 100, maintenanceIntervalMs: 100 } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await service.start();
    await waitFor(async () => (await harness.pending()).length === 0, 10_000, 'both entries settled');
    assert.deepEqual(
      harness.rows().map((row) => row.event_id),
      [fine!.event_id],
    );
    const [letter, ...others] = await harness.deadLetters();
    assert.deepEqual(others, []);
    assert.equal(letter!.reason, 'max_deliveries');
    assert.equal(letter!.source_id, poisonId);
    assert.equal(letter!.event_id, poison!.event_id, 'the original fields are kept');
    assert.equal(letter!.data, JSON.stringify(poison));
    assert.ok(fineId);
  });

  it('trims the stream to what is not yet acknowledged, and never trims entries no daemon has read', async () => {
    const service = harness.service({ tuning: { maintenanceIntervalMs: 100 } });
    await service.start();
    await harness.xadd(syntheticEvents(300, 37));
    await waitFor(() => service.stats().eventsStored === 300);
    await waitFor(async () => Number(await harness.producer.call('XLEN', harness.keys.events)) === 0, 10_000, 'stream trimmed to nothing');
    await service.close();

    // The daemon is down: hooks keep writing. The next daemon's first maintenance pass (recover,
    // then trim) runs before its first read, while these are still unread: they must survive it.
    const waiting = syntheticEvents(40, 41);
    await harness.xadd(waiting);
    assert.equal(Number(await harness.producer.call('XLEN', harness.keys.events)), 40);
    const next = harness.service({ tuning: { maintenanceIntervalMs: 100 } });
    await next.start();
    await waitFor(() => harness.rows().length === 340, 10_000, 'waiting events stored');
    await waitFor(async () => Number(await harness.producer.call('XLEN', harness.keys.events)) === 0, 10_000, 'trimmed after processing');
  });

  it('keeps every CDC entry until the workers group exists, then trims behind what the workers acknowledged', async () => {
    const service = harness.service({ tuning: { maintenanceIntervalMs: 100 } });
    await service.start();
    await harness.xadd(syntheticEvents(200, 79));
    await waitFor(() => service.stats().cdcPublished === 200, 10_000, 'CDC published');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(Number(await harness.producer.call('XLEN', harness.keys.cdc)), 200, 'no workers yet: nothing trimmed');

    // A worker reads 100 entries and acknowledges the first 60.
    await harness.producer.call('XGROUP', 'CREATE', harness.keys.cdc, 'workers', '0');
    const reply = (await harness.producer.call('XREADGROUP', 'GROUP', 'workers', 'metrics-1', 'COUNT', 100, 'STREAMS', harness.keys.cdc, '>')) as Array<[string, Array<[string, string[]]>]>;
    const read = reply[0]![1];
    await harness.producer.call('XACK', harness.keys.cdc, 'workers', ...read.slice(0, 60).map(([id]) => id));
    await waitFor(async () => Number(await harness.producer.call('XLEN', harness.keys.cdc)) === 140, 10_000, 'trimmed to the oldest unacknowledged entry');
    const [first] = await harness.entries(harness.keys.cdc);
    assert.equal(first![0], read[60]![0]);
  });

  it('close() during a flood: everything acknowledged is stored, and a restart finishes the rest once', async () => {
    const events = syntheticEvents(30_000, 43);
    const service = harness.service();
    await service.start();
    const flood = harness.xadd(events);
    await waitFor(() => service.stats().eventsStored > 1000, 20_000, 'the flood is being stored');

    // Anything the group no longer holds as pending was stored before it was acknowledged.
    const entryIds = new Map<string, string>();
    const check = async (): Promise<void> => {
      const entries = await harness.entries(harness.keys.events);
      for (const [id, fields] of entries) entryIds.set(id, fields[1]!);
      const [group] = (await harness.producer.call('XINFO', 'GROUPS', harness.keys.events)) as string[][];
      const lastDelivered = group![group!.indexOf('last-delivered-id') + 1]!;
      const pending = new Set((await harness.pending()).map(([id]) => id));
      const stored = harness.storedEventIds();
      for (const [id, eventId] of entryIds) {
        const [ms, seq] = id.split('-').map(Number) as [number, number];
        const [lastMs, lastSeq] = lastDelivered.split('-').map(Number) as [number, number];
        const delivered = ms < lastMs || (ms === lastMs && seq <= lastSeq);
        if (delivered && !pending.has(id)) assert.ok(stored.has(eventId), `entry ${id} was acknowledged but its event is not stored`);
      }
    };
    await service.close();
    await check();
    await flood;
    const storedAtClose = harness.rows().length;
    assert.ok(storedAtClose < events.length, 'closed mid-flood');

    const restarted = harness.service({ tuning: { claimIdleMs: 100, maintenanceIntervalMs: 100 } });
    await restarted.start();
    await waitFor(() => harness.rows().length === events.length, 30_000, 'every event stored after the restart');
    await waitFor(async () => (await harness.pending()).length === 0, 10_000, 'nothing left pending');
    assert.equal(new Set(harness.rows().map((row) => row.event_id)).size, events.length);
    const cdc = await harness.cdc();
    assert.equal(cdc.length, events.length, 'one CDC entry per event, none twice');
    assert.equal(new Set(cdc.map((entry) => entry.event_id)).size, events.length);
  });

  it('runs without Redis: spool-only commits work and say CDC was skipped', async () => {
    const service = harness.service({ redis: null });
    await service.start();
    const events = syntheticEvents(10, 47);
    const committed = service.commitEvents(events.map((event) => ({ event, json: JSON.stringify(event) })));
    assert.equal(committed.length, 10);
    assert.deepEqual(await service.redisStatus(), undefined);
    const stats = service.stats();
    assert.deepEqual([stats.redisConnected, stats.eventsStored, stats.cdcSkipped], [0, 10, 10]);
    assert.equal(await service.deadLetter([{ reason: 'invalid_json', detail: 'x', source: 'spool', sourceId: 'f:1', fields: ['line', '{'] }]), false);
    await service.close();
    await service.close();
  });

  it('starts when Redis does not answer, reports it, and closes promptly', async () => {
    const { closedPortUrl } = await import('../support/redis-server.ts');
    const service = harness.service({ redis: await closedPortUrl(), tuning: { startTimeoutMs: 300, closeTimeoutMs: 500 } });
    const started = Date.now();
    await service.start();
    assert.ok(Date.now() - started < 2000);
    assert.equal(service.stats().redisConnected, 0);
    assert.equal(await service.redisStatus(), undefined);
    const closing = Date.now();
    await service.close();
    assert.ok(Date.now() - closing < 3000, `close took ${Date.now() - closing} ms`);
  });
});
