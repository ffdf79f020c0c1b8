// The Cursor state.vscdb monitor against real SQLite files in a temp Cursor User folder, built from
// ../shared/fixtures/cursor-vscdb-samples.jsonl (ItemTable and cursorDiskKV rows, global and
// workspace databases), including a database locked by another process and one in WAL mode.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BETTER_SQLITE3, buildUserDir, createStateDb, Database, SAMPLES, valueBytes } from '../support/cursor-state-db.ts';
import { createHasher, pathHash } from '../../core/capture/safe-values.ts';
import { buildCursorEvent, type CursorComposerRecord, type CursorRecord } from '../../core/cursor-db/cursor-events.ts';
import { CursorMonitor, jsonFileCursorStateStore } from '../../core/cursor-db/cursor-monitor.ts';
import { cursorUserDirs, workspaceFolderOf } from '../../core/cursor-db/cursor-paths.ts';

const SECRET = Buffer.alloc(32, 9);
const hash = createHasher(SECRET);

function treeHashes(root: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else hashes[path.slice(root.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return hashes;
}

class Clock {
  at = Date.now();
  now = () => this.at;
}

function composers(records: CursorRecord[]): Map<string, CursorComposerRecord> {
  return new Map(records.filter((record): record is CursorComposerRecord => record.kind === 'composer_update').map((record) => [record.sessionId, record]));
}

/** A second process holding an exclusive lock until told to let go. */
async function lockExclusively(path: string, folder: string): Promise<{ child: ChildProcess; release: () => Promise<void> }> {
  const script = join(folder, 'locker.cjs');
  writeFileSync(
    script,
    `const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const db = new Database(process.argv[2]);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`,
  );
  const child = spawn(process.execPath, [script, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((locked, failed) => {
    child.stdout!.once('data', () => locked());
    child.once('exit', (code) => failed(new Error(`locker exited ${code}`)));
  });
  return {
    child,
    release: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.stdin!.write('go\n');
      }),
  };
}

describe('cursor-db monitor (state.vscdb files built from the fixture)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'blueplane-cursor-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports composers, generations and daily line stats from ItemTable and cursorDiskKV, and never changes a byte', async () => {
    const userDir = buildUserDir(root);
    const before = treeHashes(root);
    const delivered: CursorRecord[] = [];
    const monitor = new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records) });
    const report = await monitor.pass();
    assert.equal(report.databases, 4);
    assert.deepEqual(report.statuses, { read: 4 });

    const byId = composers(delivered);
    // Reportable: two workspace composers with changed lines, and the global composer with messages.
    // Not reported: empty drafts (fbd30712, the summary-only row), heads with no lines and no messages.
    const templated = `h_${hash('{composerId}')}`;
    assert.deepEqual([...byId.keys()].sort(), ['03e41bc4-c700-491a-a01a-2048468bd7b8', 'f2dc90df-54c2-4bc6-abb0-8ac0c92d704c', templated].sort());
    assert.deepEqual(byId.get('03e41bc4-c700-491a-a01a-2048468bd7b8'), {
      kind: 'composer_update',
      sessionId: '03e41bc4-c700-491a-a01a-2048468bd7b8',
      projectHash: pathHash('/home/user/code/cocursor', hash),
      facts: { createdAt: 1768650378012, lastUpdatedAt: 1768656147170, mode: 'agent', forceMode: 'edit', linesAdded: 1704, linesRemoved: 116, filesChanged: 39, contextUsagePercent: 65.2 },
    });
    assert.equal(byId.get('f2dc90df-54c2-4bc6-abb0-8ac0c92d704c')?.projectHash, pathHash('d:\\code\\wecode', hash));
    assert.deepEqual(byId.get(templated)?.facts, { messages: 3, userMessages: 1, assistantMessages: 2, codeBlocks: 2, acceptedBlocks: 1, rejectedBlocks: 1, costCents: 8, usageRequests: 2 });

    const generations = delivered.filter((record) => record.kind === 'generation');
    assert.deepEqual(
      generations.map((record) => [record.generationId, record.unixMs, record.generationKind]).sort(),
      [
        ['486f173e-4981-462d-b6a0-d39ad98a92f6', 1768648068251, 'composer'],
        ['52eebe9c-d350-4d0a-99cf-7f29b29ea0fe', 1768644518895, 'composer'],
        ['a2e19ec3-624b-4cc6-8e36-03fc0635d5ab', 1768645313794, 'composer'],
        ['f2c37877-dbce-4465-86c5-a3abadf187f8', 1768644530445, 'composer'],
      ],
    );
    assert.deepEqual(
      delivered.filter((record) => record.kind === 'daily_code_stats'),
      [{ kind: 'daily_code_stats', stats: { date: '2026-01-17', tabSuggestedLines: 130, tabAcceptedLines: 52, composerSuggestedLines: 0, composerAcceptedLines: 21463 } }],
    );

    const events = delivered.map((record) => buildCursorEvent(record, 0));
    assert.deepEqual([...new Set(events.map((event) => event.event_type))].sort(), ['composer_update', 'daily_code_stats', 'generation']);
    for (const event of events) {
      assert.equal(event.platform, 'cursor');
      assert.equal(event.hook_type, 'state.vscdb');
      assert.equal(event.v, 1);
    }
    const composerEvent = events.find((event) => event.session_id === '03e41bc4-c700-491a-a01a-2048468bd7b8');
    assert.equal(composerEvent?.timestamp, '2026-01-17T13:22:27.170Z');
    assert.deepEqual(composerEvent?.payload, { mode: 'agent', force_mode: 'edit', lines_added: 1704, lines_removed: 116, files_modified: 39, context_usage_percent: 65.2, created_at: '2026-01-17T11:46:18.012Z' });
    const generationEvent = events.find((event) => event.event_type === 'generation');
    assert.equal(generationEvent?.metadata.generation_id, (generations[0] as { generationId: string }).generationId);
    assert.equal(new Set(events.map((event) => event.event_id)).size, events.length);
    assert.deepEqual(delivered.map((record) => buildCursorEvent(record, 0).event_id), events.map((event) => event.event_id), 'event ids are stable');

    assert.deepEqual(treeHashes(root), before, 'no file was written, created or removed');
  });

  it('delivers nothing again when nothing changed, in the same run or after a restart with the saved state', async () => {
    const userDir = buildUserDir(root);
    const store = jsonFileCursorStateStore(join(root, 'cursor-state.json'));
    const delivered: CursorRecord[] = [];
    const first = new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records), store });
    assert.ok((await first.pass()).records > 0);
    const count = delivered.length;
    assert.deepEqual(await first.pass(), { databases: 4, statuses: { unchanged: 4 }, records: 0 });
    const restarted = new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records), store });
    const report = await restarted.pass();
    assert.deepEqual(report.statuses, { read: 4 });
    assert.equal(report.records, 0);
    assert.equal(delivered.length, count);
  });

  it('aggregates a composer’s bubbles as counts, and reports the composer again when it changes', async () => {
    // A composer assembled from fixture values: the headers-only composerData (pppp606) and three
    // bubbles (engram's assistant tool bubble and user bubble, chatrxiv's timing) under one id.
    const value = (key: string, type?: number) => SAMPLES.find((sample) => sample.key === key && (type === undefined || (sample.value as { type?: number }).type === type))!.value as Record<string, unknown>;
    const id = '6a1f0c2e-1111-4222-8333-944455556666';
    const composer = { ...value('composerData:{composerId}'), composerId: id, createdAt: 1744430790000, lastUpdatedAt: 1744430840000, modelConfig: { modelName: 'claude-4.5-sonnet' } };
    const rows = (extra: Record<string, unknown>[] = []) => [
      { table: 'cursorDiskKV', key: `composerData:${id}`, value: valueBytes({ ...composer, ...Object.assign({}, ...extra) }) },
      { table: 'cursorDiskKV', key: `bubbleId:${id}:b1`, value: valueBytes(value('bubbleId:<cid>:<bid>', 1)) },
      { table: 'cursorDiskKV', key: `bubbleId:${id}:b2`, value: valueBytes({ ...value('bubbleId:<cid>:<bid>', 2), modelInfo: { modelName: 'claude-4.5-sonnet' }, tokenCount: { inputTokens: 1200, outputTokens: 340 } }) },
      { table: 'cursorDiskKV', key: `bubbleId:${id}:b3`, value: valueBytes(value('bubbleId:{composerId}:{bubbleId}')) },
      // Another composer's bubble, just past the key range, must not be counted.
      { table: 'cursorDiskKV', key: `bubbleId:${id}0:b1`, value: valueBytes(value('bubbleId:<cid>:<bid>', 1)) },
    ];
    const userDir = join(root, 'User');
    const dbPath = join(userDir, 'globalStorage', 'state.vscdb');
    createStateDb(dbPath, rows());
    const clock = new Clock();
    const delivered: CursorRecord[] = [];
    const monitor = new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records), now: clock.now, minReadIntervalMs: 10_000 });
    await monitor.pass();
    const first = composers(delivered).get(id);
    assert.deepEqual(first?.bubbles, {
      bubbles: 3,
      userBubbles: 1,
      assistantBubbles: 1,
      toolCalls: 1,
      tools: ['list_dir'],
      thinkingBubbles: 0,
      errorBubbles: 0,
      inputTokens: 1200,
      outputTokens: 340,
      models: ['claude-4.5-sonnet'],
      firstAt: 1744430797410,
      lastAt: 1766691395467,
    });
    assert.equal(first?.facts.model, 'claude-4.5-sonnet');
    const event = buildCursorEvent(first!, 0);
    assert.equal(event.payload.tool_count, 1);
    assert.deepEqual(event.payload.tools, ['list_dir']);
    assert.equal(event.payload.input_tokens, 1200);
    assert.equal(event.metadata.model, 'claude-4.5-sonnet');

    // Cursor adds a bubble and updates the composer; a read within the throttle interval waits.
    const db = new Database(dbPath);
    db.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)').run(`bubbleId:${id}:b4`, valueBytes(value('bubbleId:<cid>:<bid>', 1)));
    db.prepare('INSERT INTO cursorDiskKV VALUES (?, ?)').run(`composerData:${id}`, valueBytes({ ...composer, lastUpdatedAt: 1744430900000, totalLinesAdded: 12 }));
    db.close();
    delivered.length = 0;
    assert.deepEqual((await monitor.pass()).statuses, { throttled: 1 });
    clock.at += 10_000;
    await monitor.pass();
    const second = composers(delivered).get(id);
    assert.equal(second?.bubbles?.bubbles, 4);
    assert.equal(second?.facts.linesAdded, 12);
    assert.notEqual(buildCursorEvent(second!, 0).event_id, event.event_id);
  });

  it('reports a database locked by another process as busy without throwing or blocking, and reads it once released', async () => {
    const userDir = buildUserDir(root);
    const dbPath = join(userDir, 'globalStorage', 'state.vscdb');
    const clock = new Clock();
    const delivered: CursorRecord[] = [];
    const monitor = new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records), now: clock.now });
    const lock = await lockExclusively(dbPath, root);
    try {
      const started = performance.now();
      const report = await monitor.pass();
      const elapsed = performance.now() - started;
      assert.deepEqual(report.statuses, { busy: 1, read: 3 });
      assert.ok(elapsed < 1000, `a pass over a locked database took ${elapsed} ms`);
      assert.equal(delivered.some((record) => record.kind === 'daily_code_stats'), false, 'nothing from the locked database yet');
      // Before the retry time, the locked database is not even tried.
      assert.deepEqual((await monitor.pass()).statuses, { waiting: 1, unchanged: 3 });
      clock.at += 300;
      assert.deepEqual((await monitor.pass()).statuses, { busy: 1, unchanged: 3 });
    } finally {
      await lock.release();
    }
    clock.at += 60_000;
    const report = await monitor.pass();
    assert.deepEqual(report.statuses, { read: 1, unchanged: 3 });
    assert.equal(delivered.filter((record) => record.kind === 'daily_code_stats').length, 1);
    assert.ok(composers(delivered).has(`h_${hash('{composerId}')}`));
  });

  it('reads rows still in the WAL of a database whose writer crashed, without checkpointing or changing the database or the WAL', async () => {
    const userDir = join(root, 'User');
    const dbPath = join(userDir, 'globalStorage', 'state.vscdb');
    createStateDb(dbPath, [], 'wal');
    const script = join(root, 'crash-writer.cjs');
    writeFileSync(
      script,
      `const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const db = new Database(process.argv[2]);
db.pragma('wal_autocheckpoint = 0');
db.prepare('INSERT INTO ItemTable VALUES (?, ?)').run('aiCodeTracking.dailyStats.v1.5.2026-01-18', Buffer.from(JSON.stringify({ date: '2026-01-18', tabSuggestedLines: 7, tabAcceptedLines: 3 })));
process.kill(process.pid, 'SIGKILL');`,
    );
    await new Promise((done) => spawn(process.execPath, [script, dbPath], { stdio: 'inherit' }).once('exit', done));
    assert.ok(statSync(`${dbPath}-wal`).size > 0, 'the row is only in the WAL');
    const before = treeHashes(root);
    const delivered: CursorRecord[] = [];
    await new CursorMonitor({ secret: SECRET, userDirs: [userDir], deliver: (records) => void delivered.push(...records) }).pass();
    assert.deepEqual(delivered, [{ kind: 'daily_code_stats', stats: { date: '2026-01-18', tabSuggestedLines: 7, tabAcceptedLines: 3 } }]);
    // The -shm file is SQLite's shared-memory index, which every reader of a WAL database maintains
    // (here it rebuilds the index the crashed writer left); the data files do not change.
    const after = treeHashes(root);
    for (const file of ['/User/globalStorage/state.vscdb', '/User/globalStorage/state.vscdb-wal']) assert.equal(after[file], before[file], file);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
  });

  it('retries a failed delivery on the next pass, and a missing folder is simply empty', async () => {
    const userDir = buildUserDir(root);
    let fail = true;
    const delivered: CursorRecord[] = [];
    const monitor = new CursorMonitor({
      secret: SECRET,
      userDirs: [userDir, join(root, 'no-such-folder')],
      deliver: (records) => {
        if (fail) throw new Error('pipeline down');
        delivered.push(...records);
      },
    });
    assert.equal((await monitor.pass()).records, 0);
    fail = false;
    const report = await monitor.pass();
    assert.deepEqual(report.statuses, { unchanged: 4 });
    assert.ok(report.records > 0);
    assert.equal(delivered.length, report.records);
  });

  it('knows where Cursor keeps its User folder on each OS, and which folder a workspace is', () => {
    assert.deepEqual(cursorUserDirs({ platform: 'darwin', env: {}, home: '/Users/a' }), ['/Users/a/Library/Application Support/Cursor/User']);
    assert.deepEqual(cursorUserDirs({ platform: 'linux', env: {}, home: '/home/a' }), ['/home/a/.config/Cursor/User']);
    assert.deepEqual(cursorUserDirs({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, home: '/home/a' }), ['/xdg/Cursor/User']);
    assert.equal(cursorUserDirs({ platform: 'win32', env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, home: 'C:\\Users\\a' })[0]?.replaceAll('\\', '/'), 'C:/Users/a/AppData/Roaming/Cursor/User');
    assert.equal(workspaceFolderOf({ folder: 'file:///home/a/my%20project' }), '/home/a/my project');
    assert.equal(workspaceFolderOf({ folder: 'file:///d%3A/code/wecode' }), 'd:\\code\\wecode');
    assert.equal(workspaceFolderOf({ folder: 'vscode-remote://wsl%2Bubuntu/home/a/p' }), 'vscode-remote://wsl%2Bubuntu/home/a/p');
    assert.equal(workspaceFolderOf({ workspace: 'file:///home/a/p.code-workspace' }), '/home/a/p.code-workspace');
    assert.equal(workspaceFolderOf({}), undefined);
  });
});
