import assert from 'node:assert/strict';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import type { EventSink } from '../../core/fast-path/ingest-service.ts';
import { encodeEvent } from '../../core/storage/event-codec.ts';
import { DRAINING_SUFFIX, SpoolDrain } from '../../core/spool/spool-drain.ts';
import { appendToSpool, spoolFileName } from '../../core/spool/spool-writer.ts';
import { syntheticEvents } from '../support/ingest-events.ts';
import { IngestHarness, waitFor } from '../support/ingest-harness.ts';
import { memoryLog } from '../support/memory-log.ts';
import { startRedis } from '../support/redis-server.ts';
import type { PrivateRedis } from '../support/redis-server.ts';

const HOUR = new Date(Date.UTC(2026, 7, 22, 9));
const SECRET = 'PROMPT-TEXT-NEVER-LOGGED';

describe('spool drain', function () {
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

  function spoolFiles(): string[] {
    try {
      return readdirSync(join(harness.home, 'spool')).sort();
    } catch {
      return [];
    }
  }

  /**
   * What an outage leaves behind: events spooled by the real writer for both IDEs, a corrupt line,
   * a last line cut short, and a `.draining` file from a daemon that crashed halfway (its first
   * events already stored).
   */
  function spoolAnOutage(events: readonly TelemetryEvent[]): { leftover: TelemetryEvent[]; badLines: number } {
    const [leftover, spooled] = [events.slice(0, 20), events.slice(20)];
    for (const event of spooled) appendToSpool(harness.home, event, HOUR);
    const claudeFile = join(harness.home, 'spool', spoolFileName('claude_code', HOUR));
    appendFileSync(claudeFile, `{"v":1,"prompt":"${SECRET}" this is not JSON\n`);
    appendFileSync(claudeFile, JSON.stringify(spooled[0]).slice(0, 120));
    const crashed = join(harness.home, 'spool', `${spoolFileName('cursor', HOUR)}.1700000000000-abcdef${DRAINING_SUFFIX}`);
    writeFileSync(crashed, leftover.map((event) => `${JSON.stringify(event)}\n`).join(''));
    harness.store.insertBatch(leftover.slice(0, 8).map((event) => encodeEvent(event)));
    return { leftover, badLines: 2 };
  }

  it('with Redis: stores every spooled event once, publishes CDC for the new ones, dead-letters bad lines, deletes the files', async () => {
    const events = syntheticEvents(260, 61);
    const { badLines } = spoolAnOutage(events);
    const log = memoryLog();
    const service = harness.service({ log });
    await service.start();
    const drain = new SpoolDrain({ home: harness.home, sink: service, log, graceMs: 50 });
    await drain.start();
    await drain.close();

    assert.deepEqual(
      harness.rows().map((row) => row.event_id).sort(),
      events.map((event) => event.event_id).sort(),
    );
    assert.deepEqual(spoolFiles(), [], 'every file deleted once its events were committed');
    await waitFor(async () => (await harness.cdc()).length === events.length - 8, 5000, 'CDC for the new rows');
    const letters = await harness.deadLetters();
    assert.deepEqual(letters.map((letter) => letter.reason).sort(), ['invalid_json', 'invalid_json']);
    for (const letter of letters) {
      assert.equal(letter.source, 'spool');
      assert.match(letter.source_id!, /^claude_code-2026082209\.jsonl\.\d+-[0-9a-f]+\.draining:\d+$/);
      assert.ok(letter.line, 'the bad line is kept in the dead letter');
    }
    assert.deepEqual(drain.stats(), { filesDrained: 3, eventsStored: events.length - 8, duplicates: 8, badLines, failedDrains: 0 });
    assert.deepEqual(drain.backlog(), { files: 0, bytes: 0 });
    assert.ok(!JSON.stringify(log.lines).includes(SECRET), 'bad lines are reported without their content');
    assert.equal(log.lines.filter((line) => line.event === 'spool_line_rejected' && line.fields.dead_lettered === true).length, 2);
  });

  it('without Redis: drains straight into SQLite and reports bad lines in the log', async () => {
    const events = syntheticEvents(120, 67);
    spoolAnOutage(events);
    const log = memoryLog();
    const service = harness.service({ redis: null, log });
    await service.start();
    const drain = new SpoolDrain({ home: harness.home, sink: service, log, graceMs: 50 });
    await drain.start();
    await drain.close();
    assert.equal(harness.rows().length, events.length);
    assert.deepEqual(spoolFiles(), []);
    assert.equal(service.stats().cdcSkipped, events.length - 8);
    const rejected = log.lines.filter((line) => line.event === 'spool_line_rejected');
    assert.deepEqual(
      rejected.map((line) => [line.fields.reason, line.fields.dead_lettered]),
      [
        ['invalid_json', false],
        ['invalid_json', false],
      ],
    );
  });

  it('keeps a file whose events could not be committed, and replays it later without duplicates', async () => {
    const events = syntheticEvents(250, 71);
    for (const event of events) appendToSpool(harness.home, event, HOUR);
    const service = harness.service({ redis: null });
    let failures = 1;
    const flaky: EventSink = {
      commitEvents(batch) {
        const committed = service.commitEvents(batch);
        if (committed.length > 0 && failures-- > 0) throw new Error('disk I/O error');
        return committed;
      },
      deadLetter: (letters) => service.deadLetter(letters),
    };
    const log = memoryLog();
    const drain = new SpoolDrain({ home: harness.home, sink: flaky, log, graceMs: 10, rescanMs: 60_000 });
    await drain.start();
    assert.equal(spoolFiles().length, 1);
    assert.ok(spoolFiles()[0]!.endsWith(DRAINING_SUFFIX), 'kept, under its draining name');
    assert.equal(drain.stats().failedDrains, 1);
    assert.ok(log.lines.some((line) => line.event === 'spool_drain_failed'));
    await drain.drainNow();
    await drain.close();
    assert.deepEqual(spoolFiles(), []);
    assert.equal(harness.rows().length, 250);
    assert.equal(new Set(harness.rows().map((row) => row.event_id)).size, 250);
  });

  it('drains new spool files as hooks write them, including a line a hook wrote just after the rename', async () => {
    const service = harness.service({ redis: null });
    const drain = new SpoolDrain({ home: harness.home, sink: service, log: memoryLog(), graceMs: 300, debounceMs: 20 });
    await drain.start();
    const [early, late, later] = syntheticEvents(3, 73);
    // A hook that opened the live file just before the drain renamed it, and writes afterwards.
    const path = appendToSpool(harness.home, early!, HOUR);
    const slowHook = openSync(path, 'a');
    await waitFor(() => spoolFiles().some((name) => name.endsWith(DRAINING_SUFFIX)), 5000, 'the drain renamed the file');
    writeSync(slowHook, `${JSON.stringify(late)}\n`);
    closeSync(slowHook);
    await waitFor(() => harness.rows().length === 2, 5000, 'both lines of the renamed file stored');
    appendToSpool(harness.home, later!, new Date());
    await waitFor(() => harness.rows().length === 3, 5000, 'a file written later drained too');
    await waitFor(() => spoolFiles().length === 0, 5000, 'files deleted');
    await drain.close();
    await drain.close();
    assert.equal(existsSync(join(harness.home, 'spool')), true);
  });
});
