// The transcript reader on real files in a temp folder, fed the shared fixture
// (../shared/fixtures/claude-transcript-sample.jsonl, 22 lines of a Claude Code 2.1.39 session).
//
// Hand count, reading the fixture line by line; only `type: "assistant"` lines carry usage.
// One API response spans several lines; dedupe by message.id + requestId, keep the largest usage.
//   lines 4, 5, 6  msg_01PdWv… / req_011CY4TRHL…  claude-opus-4-6   identical usage on all three:
//                  input 3, output 9, cache write 5m 15005, cache read 11442
//   line 9         msg_01LkKq… / req_011CY4TSLj…  claude-opus-4-6   input 1, output 1, write 149, read 29360
//   lines 11, 12   msg_01Aci2… / req_011CY4TdRR…  claude-opus-4-6   output 10 on line 11, 299 on line 12
//                  (streaming placeholder, pre-2.1.97): keep line 12: input 1, output 299, write 5601, read 29509
//   line 21        msg_016xcK… (subagent a2898e3)  claude-sonnet-4-5-20250929  input 3, output 3, write 13522, read 0
//   line 22        msg_013a13… (compaction agent)  claude-opus-4-6   input 3, output 8, write 8681, read 164830
// 1-hour cache writes are 0 everywhere. 5 responses in all.
//   opus-4-6  input  3 + 1 + 1 + 3               = 8
//             output 9 + 1 + 299 + 8             = 317
//             write  15005 + 149 + 5601 + 8681   = 29436
//             read   11442 + 29360 + 29509 + 164830 = 235141
//   sonnet-4-5 input 3, output 3, write 13522, read 0
// Summing every line instead would give opus output 9+9+9+1+10+299+8 = 345 and write 15005×3+… .
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../support/fixtures.ts';
import type { LogFields } from '../../core/log.ts';
import { buildTokenUsageEvent, estimateTokenUsageCost, type TokenUsageEvent } from '../../core/transcripts/token-usage-event.ts';
import type { UsageRecord } from '../../core/transcripts/transcript-line.ts';
import { listTranscriptFiles, scanTranscripts } from '../../core/transcripts/transcript-scan.ts';
import { jsonFileStateStore, type TranscriptReaderState } from '../../core/transcripts/transcript-state.ts';
import { TranscriptTailer } from '../../core/transcripts/transcript-tailer.ts';
import { TranscriptWatcher } from '../../core/transcripts/transcript-watcher.ts';

const SECRET = Buffer.alloc(32, 3);
const SESSION = '4d5611e5-241a-462a-8d15-5122611a9569';
const FIXTURE = readFileSync(join(FIXTURES_DIR, 'claude-transcript-sample.jsonl'));
const FIXTURE_LINES = FIXTURE.toString('utf8').split('\n').filter((line) => line !== '');

interface Totals {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

const HAND_COUNT: Record<string, Totals> = {
  'claude-opus-4-6': { input: 8, output: 317, cacheWrite5m: 29436, cacheWrite1h: 0, cacheRead: 235141 },
  'claude-sonnet-4-5-20250929': { input: 3, output: 3, cacheWrite5m: 13522, cacheWrite1h: 0, cacheRead: 0 },
};

/** Downstream as the daemon will have it: SQLite's INSERT OR IGNORE on event_id. */
class EventSink {
  readonly events = new Map<string, TokenUsageEvent>();
  deliver = (records: UsageRecord[]) => {
    for (const record of records) {
      const event = buildTokenUsageEvent(record);
      if (!this.events.has(event.event_id)) this.events.set(event.event_id, event);
    }
  };
  totals(): Record<string, Totals> {
    const totals: Record<string, Totals> = {};
    for (const { metadata, payload } of this.events.values()) {
      const model = metadata.model ?? 'unknown';
      const sum = (totals[model] ??= { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
      sum.input += payload.input_tokens;
      sum.output += payload.output_tokens;
      sum.cacheWrite5m += payload.cache_write_5m_tokens;
      sum.cacheWrite1h += payload.cache_write_1h_tokens;
      sum.cacheRead += payload.cache_read_tokens;
    }
    return totals;
  }
}

/** A clock the test moves; starts at the real time so real file mtimes count as "just written". */
class Clock {
  at = Date.now();
  now = () => this.at;
  advance(ms: number) {
    this.at += ms;
  }
}

function lineOffsets(buffer: Buffer): number[] {
  const offsets = [0];
  for (let i = buffer.indexOf(0x0a); i !== -1; i = buffer.indexOf(0x0a, i + 1)) offsets.push(i + 1);
  return offsets;
}

describe('transcript tailer and scan (fixture, real files)', () => {
  let home: string;
  let projects: string;
  let file: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'blueplane-transcripts-'));
    projects = join(home, '.claude', 'projects');
    mkdirSync(join(projects, '-home-USER-projects-spotter'), { recursive: true });
    file = join(projects, '-home-USER-projects-spotter', `${SESSION}.jsonl`);
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('counts tokens per model equal to the hand count with the dedupe rule', async () => {
    writeFileSync(file, FIXTURE);
    const sink = new EventSink();
    const tailer = new TranscriptTailer({ secret: SECRET });
    const report = await scanTranscripts({ roots: [projects], tailer, deliver: sink.deliver, settleAll: true });
    assert.equal(sink.events.size, 5);
    assert.deepEqual(sink.totals(), HAND_COUNT);
    assert.equal(report.bytesRead, FIXTURE.length);
    assert.equal(report.linesRead, 22);
    assert.equal(report.records, 5);
    assert.deepEqual(report.skipped, { not_interesting: 1 });
    // 8 assistant lines, 5 responses: 3 repeats were not counted.
    assert.equal(tailer.counters.duplicateLines, 3);
    // Estimated cost at list price (hand-computed in test/unit/pricing-cost.test.ts): $0.3095105 + $0.0507615.
    const cost = [...sink.events.values()].reduce((sum, event) => sum + (estimateTokenUsageCost(event)?.usd ?? Number.NaN), 0);
    assert.ok(Math.abs(cost - (0.3095105 + 0.0507615)) < 1e-9, String(cost));
  });

  it('counts subagent files too, each response once, and lists the session for backfill', async () => {
    const main = FIXTURE_LINES.slice(0, 20);
    const subagents = join(projects, '-home-USER-projects-spotter', SESSION, 'subagents');
    mkdirSync(subagents, { recursive: true });
    writeFileSync(file, `${main.join('\n')}\n`);
    writeFileSync(join(subagents, 'agent-a2898e3.jsonl'), `${FIXTURE_LINES[20]}\n`);
    // The compaction agent's file repeats one main-thread response as a sidechain copy.
    writeFileSync(join(subagents, 'agent-acompact-e1f845.jsonl'), `${FIXTURE_LINES[21]}\n${FIXTURE_LINES[8]!.replace('"isSidechain":false', '"isSidechain":true')}\n`);
    const sink = new EventSink();
    const tailer = new TranscriptTailer({ secret: SECRET });
    await scanTranscripts({ roots: [projects], tailer, deliver: sink.deliver, settleAll: true });
    assert.deepEqual(sink.totals(), HAND_COUNT);
    const agents = [...sink.events.values()].filter((event) => event.payload.is_sidechain).map((event) => event.metadata.agent_id).sort();
    assert.deepEqual(agents, ['a2898e3', 'acompact-e1f845']);
    assert.deepEqual(tailer.sessions(), [
      { session_id: SESSION, first_timestamp: '2026-02-12T16:02:23.545Z', last_timestamp: '2026-02-12T21:03:05.474Z', workspace_hash: tailer.sessions()[0]?.workspace_hash },
    ]);
    assert.match(tailer.sessions()[0]?.workspace_hash ?? '', /^[0-9a-f]{16}$/);
  });

  it('gives the same totals when the file arrives in chunks split mid-line, holding a growing response until it is complete', async () => {
    const clock = new Clock();
    const sink = new EventSink();
    const tailer = new TranscriptTailer({ secret: SECRET, now: clock.now });
    writeFileSync(file, '');
    const offsets = lineOffsets(FIXTURE);
    for (let at = 0; at < FIXTURE.length; at += 700) {
      appendFileSync(file, FIXTURE.subarray(at, Math.min(at + 700, FIXTURE.length)));
      const result = await tailer.readFile(file);
      sink.deliver(result.records);
      // Never past a partial line: the offset is always at a line start.
      assert.ok(offsets.includes(tailer.snapshot().files[result.fileKey]!.offset));
    }
    // The last response (line 22) is still pending: its file was written just now.
    assert.equal(sink.events.size, 4);
    assert.equal(tailer.pendingResponses, 1);
    clock.advance(61_000);
    sink.deliver(tailer.settleIdle());
    assert.deepEqual(sink.totals(), HAND_COUNT);
  });

  it('stops the persisted offset before a response that may still grow, and resumes there after a restart without double counting', async () => {
    const clock = new Clock();
    const sink = new EventSink();
    const store = jsonFileStateStore(join(home, 'transcript-state.json'));
    // Up to and including line 11 (output 10 of a response whose line 12 says 299).
    const offsets = lineOffsets(FIXTURE);
    writeFileSync(file, FIXTURE.subarray(0, offsets[11]));
    const first = new TranscriptTailer({ secret: SECRET, now: clock.now });
    const read = await first.readFile(file);
    sink.deliver(read.records);
    await store.save(first.snapshot());
    const saved = (await store.load()) as TranscriptReaderState;
    assert.equal(saved.files[read.fileKey]!.offset, offsets[10], 'offset stops at the start of line 11');
    assert.equal(sink.events.size, 2);

    appendFileSync(file, FIXTURE.subarray(offsets[11]));
    const second = new TranscriptTailer({ secret: SECRET, now: clock.now, state: saved });
    const resumed = await second.readFile(file);
    sink.deliver(resumed.records);
    assert.equal(resumed.bytesRead, FIXTURE.length - offsets[10]!);
    clock.advance(61_000);
    sink.deliver(second.settleIdle());
    assert.deepEqual(sink.totals(), HAND_COUNT);
    assert.equal(sink.events.size, 5);
  });

  it('reads a truncated or replaced file again from 0 without counting anything twice', async () => {
    writeFileSync(file, FIXTURE);
    const clock = new Clock();
    const sink = new EventSink();
    const tailer = new TranscriptTailer({ secret: SECRET, now: clock.now });
    sink.deliver((await tailer.readFile(file)).records);
    clock.advance(61_000);
    sink.deliver(tailer.settleIdle());
    assert.equal(sink.events.size, 5);
    const delivered: UsageRecord[] = [];
    const offsets = lineOffsets(FIXTURE);
    truncateSync(file, offsets[10]);
    const truncated = await tailer.readFile(file);
    assert.equal(truncated.restarted, 'truncated');
    delivered.push(...truncated.records);
    appendFileSync(file, FIXTURE.subarray(offsets[10]));
    delivered.push(...(await tailer.readFile(file)).records);
    clock.advance(61_000);
    delivered.push(...tailer.settleIdle());
    assert.deepEqual(delivered, [], 'responses already released are not released again');
    // A new file at the same path, longer but with other first bytes, is read from 0 too.
    rmSync(file);
    writeFileSync(file, `${FIXTURE_LINES.slice(1).join('\n')}\n${FIXTURE.toString('utf8')}`);
    const replaced = await tailer.readFile(file);
    assert.ok(replaced.restarted === 'replaced' || replaced.restarted === 'rewritten', replaced.restarted);
    clock.advance(61_000);
    assert.deepEqual([...replaced.records, ...tailer.settleIdle()], []);
    // A reader that lost its state entirely produces the same event ids, which the store ignores.
    const ids = [...sink.events.keys()].sort();
    await scanTranscripts({ roots: [projects], tailer: new TranscriptTailer({ secret: SECRET }), deliver: sink.deliver, settleAll: true });
    assert.deepEqual([...sink.events.keys()].sort(), ids);
    assert.deepEqual(sink.totals(), HAND_COUNT);
  });

  it('skips corrupt lines with a logged reason (no content), keeps an unfinished last line for later, never throws', async () => {
    const logged: Array<{ event: string; fields?: LogFields }> = [];
    const log = { debug() {}, info() {}, warn: (event: string, fields?: LogFields) => logged.push({ event, fields }), error() {} };
    const lines = [...FIXTURE_LINES.slice(0, 6), '{"type":"assistant","message":{"usage":', '["usage","in","an","array"]', '\u0000\u0001garbage"usage"', ...FIXTURE_LINES.slice(6)];
    const text = `${lines.join('\n')}\n`;
    const unfinished = FIXTURE_LINES[3]!.slice(0, 80);
    writeFileSync(file, text + unfinished);
    const clock = new Clock();
    const sink = new EventSink();
    const tailer = new TranscriptTailer({ secret: SECRET, log, now: clock.now });
    const result = await tailer.readFile(file);
    sink.deliver(result.records);
    assert.deepEqual(result.skipped, { invalid_json: 2, not_an_object: 1, not_interesting: 1 });
    assert.deepEqual(logged.map((entry) => entry.fields?.reason).sort(), ['invalid_json', 'invalid_json', 'not_an_object']);
    for (const entry of logged) assert.deepEqual(Object.keys(entry.fields ?? {}).sort(), ['file', 'offset', 'reason']);
    // The unfinished line is not consumed: once completed, it is read again from its first byte.
    appendFileSync(file, `${FIXTURE_LINES[3]!.slice(80)}\n`);
    const completed = await tailer.readFile(file);
    assert.equal(completed.bytesRead, Buffer.byteLength(FIXTURE_LINES[3]!) + 1);
    assert.equal(completed.linesRead, 1);
    sink.deliver(completed.records);
    clock.advance(61_000);
    sink.deliver(tailer.settleIdle());
    assert.deepEqual(sink.totals(), HAND_COUNT);
  });

  it('consumes a last line without its newline once it is a whole JSON object', async () => {
    const text = FIXTURE.toString('utf8').trimEnd();
    writeFileSync(file, text);
    // settleMs 0: nothing stays pending, so the saved offset is exactly where reading stopped.
    const tailer = new TranscriptTailer({ secret: SECRET, settleMs: 0 });
    const result = await tailer.readFile(file);
    assert.equal(tailer.snapshot().files[result.fileKey]!.offset, Buffer.byteLength(text));
    appendFileSync(file, '\n');
    const next = await tailer.readFile(file);
    assert.equal(next.bytesRead, 1);
    assert.equal(next.linesRead, 1);
  });

  it('reads nothing the second time over an unchanged tree (benchmark figure: bytes read)', async () => {
    for (let i = 0; i < 20; i++) {
      const folder = join(projects, `-home-USER-project-${i}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${SESSION.slice(0, -2)}${String(i).padStart(2, '0')}.jsonl`), FIXTURE.toString('utf8').replaceAll(SESSION, `${SESSION.slice(0, -2)}${String(i).padStart(2, '0')}`));
    }
    // Files last written an hour ago: every response is complete, nothing stays pending.
    const old = new Date(Date.now() - 3_600_000);
    for (const path of await listTranscriptFiles(projects)) utimesSync(path, old, old);
    const store = jsonFileStateStore(join(home, 'state.json'));
    const first = await scanTranscripts({ roots: [projects], tailer: new TranscriptTailer({ secret: SECRET }), deliver: () => {}, store });
    assert.equal(first.files, 20);
    assert.equal(first.filesRead, 20);
    assert.equal(first.bytesRead, 20 * FIXTURE.length);
    // The 20 copies share message ids, so the same 5 responses are released once, not 20 times.
    assert.equal(first.records, 5);
    const second = await scanTranscripts({ roots: [projects], tailer: new TranscriptTailer({ secret: SECRET, state: await store.load() }), deliver: () => {}, store });
    assert.equal(second.filesUnchanged, 20);
    assert.equal(second.bytesRead, 0);
    assert.equal(second.records, 0);
    assert.equal(JSON.stringify(await store.load()).includes('home-USER'), false, 'state names files by keyed hash, not path');
  });

  it('watches: new lines appended to a transcript are delivered, close() is idempotent and saves the state', async () => {
    writeFileSync(file, FIXTURE.subarray(0, lineOffsets(FIXTURE)[8]));
    const sink = new EventSink();
    const store = jsonFileStateStore(join(home, 'watch-state.json'));
    const watcher = new TranscriptWatcher({
      roots: [projects],
      tailer: new TranscriptTailer({ secret: SECRET, settleMs: 300 }),
      deliver: sink.deliver,
      store,
      settleCheckMs: 100,
      usePolling: true,
    });
    const report = await watcher.start();
    assert.equal(report.files, 1);
    appendFileSync(file, FIXTURE.subarray(lineOffsets(FIXTURE)[8]));
    const deadline = Date.now() + 10_000;
    while (sink.events.size < 5 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    await Promise.all([watcher.close(), watcher.close()]);
    await watcher.close();
    assert.deepEqual(sink.totals(), HAND_COUNT);
    const saved = await store.load();
    assert.equal(Object.keys(saved?.files ?? {}).length, 1);
    assert.equal(Object.values(saved?.files ?? {})[0]?.offset, FIXTURE.length);
  });
});
