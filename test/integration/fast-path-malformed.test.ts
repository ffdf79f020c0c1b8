import assert from 'node:assert/strict';
import { streamEntryFields } from '../../core/event/envelope.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { MAX_EVENT_BYTES } from '../../core/fast-path/envelope-validation.ts';
import { syntheticEvents } from '../support/ingest-events.ts';
import { IngestHarness, waitFor } from '../support/ingest-harness.ts';
import { memoryLog } from '../support/memory-log.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';

/** Stream entry fields of an event with its JSON replaced or changed. */
function entryWith(event: TelemetryEvent, change: (fields: string[]) => string[]): string[] {
  return change(streamEntryFields(event));
}

function withData(event: TelemetryEvent, data: unknown): string[] {
  return entryWith(event, (fields) => [...fields.slice(0, 6), 'data', typeof data === 'string' ? data : JSON.stringify(data)]);
}

describe('fast path: malformed stream entries', function () {
  this.timeout(30_000);
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

  it('dead-letters each bad entry with its reason and original fields, acknowledges it, and stores the good ones around it', async () => {
    const events = syntheticEvents(30, 53);
    const base = events[0]!;
    const secret = 'SECRET-PROMPT-TEXT-do-not-log';
    const bad: Array<[string, string[]]> = [
      ['missing_field', entryWith(base, (fields) => fields.slice(0, 6))],
      ['missing_field', ['event_id', base.event_id]],
      ['invalid_json', withData(base, `{"v":1,"event_id":"${base.event_id}", "prompt":"${secret}"`)],
      ['not_an_object', withData(base, '[1,2,3]')],
      ['unsupported_version', withData(base, { ...base, v: 2 })],
      ['invalid_event_id', withData({ ...base, event_id: 'not-a-uuid' }, { ...base, event_id: 'not-a-uuid' })],
      ['unknown_platform', entryWith({ ...base, platform: 'vim' as never }, (fields) => fields)],
      ['unknown_event_type', entryWith({ ...base, event_type: 'keystroke' as never }, (fields) => fields)],
      ['invalid_timestamp', withData(base, { ...base, timestamp: 'yesterday' })],
      ['invalid_session_id', withData(base, { ...base, session_id: '' })],
      ['invalid_metadata', withData(base, { ...base, metadata: 'x' })],
      ['invalid_payload', withData(base, { ...base, payload: null })],
      ['event_id_mismatch', entryWith(base, (fields) => ['event_id', events[1]!.event_id, ...fields.slice(2)])],
      ['field_mismatch', ['event_id', base.event_id, 'event_type', base.event_type === 'turn_end' ? 'tool_use' : 'turn_end', 'platform', base.platform, 'data', JSON.stringify(base)]],
      ['too_large', withData(base, { ...base, payload: { tools: Array(MAX_EVENT_BYTES / 4).fill('Bash') } })],
    ];
    const log = memoryLog();
    const service = harness.service({ log });
    await service.start();
    const entries = [...events.slice(0, 10).map(streamEntryFields), ...bad.map(([, fields]) => fields), ...events.slice(10).map(streamEntryFields)];
    const ids = await harness.xaddFields(entries);
    await waitFor(async () => (await harness.pending()).length === 0 && service.stats().eventsStored === 30, 10_000, 'all entries handled');
    await waitFor(async () => (await harness.deadLetters()).length === bad.length, 10_000, 'dead letters written');

    assert.deepEqual(
      harness.rows().map((row) => row.event_id),
      events.map((event) => event.event_id),
    );
    const letters = await harness.deadLetters();
    assert.deepEqual(
      letters.map((letter) => letter.reason),
      bad.map(([reason]) => reason),
    );
    letters.forEach((letter, index) => {
      assert.equal(letter.source, 'stream');
      assert.equal(letter.source_id, ids[10 + index]);
      assert.ok(letter.detail);
      assert.ok(!Number.isNaN(Date.parse(letter.failed_at!)));
      const original = bad[index]![1];
      for (let i = 0; i + 1 < original.length; i += 2) assert.equal(letter[original[i]!], original[i + 1], `original field ${original[i]} kept`);
    });
    assert.equal(service.stats().deadLetters, bad.length);
    assert.equal((await harness.cdc()).length, 30, 'no CDC entry for a dead letter');
    const logged = JSON.stringify(log.lines);
    assert.equal(log.lines.filter((line) => line.event === 'event_dead_lettered').length, bad.length);
    assert.ok(!logged.includes(secret), 'the log never carries event content');
  });

  it('keeps going after any garbage: missing fields, empty values, control characters, half an envelope', async () => {
    const service = harness.service();
    await service.start();
    const [good] = syntheticEvents(1, 59);
    await harness.xaddFields([['data', 'x'], ['event_id', '', 'event_type', '', 'platform', '', 'data', ''], ['x', '\u0000\uffff'], ['data', '{"v":1}', 'event_id', 'x', 'event_type', 'y', 'platform', 'z']]);
    await harness.xadd([good!]);
    await waitFor(() => service.stats().eventsStored === 1, 10_000, 'the good event stored');
    await waitFor(async () => (await harness.deadLetters()).length === 4 && (await harness.pending()).length === 0, 10_000, 'garbage dead-lettered');
    assert.deepEqual(
      (await harness.deadLetters()).map((letter) => letter.reason),
      ['missing_field', 'invalid_json', 'missing_field', 'invalid_event_id'],
    );
  });
});
