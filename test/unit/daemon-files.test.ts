// The daemon's files: socket path (short enough for a unix socket), rotating private log,
// error fields that cannot carry event content, managed-Redis record and port choice.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES, controlSocketPath, daemonPaths, ensureSocketFolder } from '../../core/daemon/daemon-paths.ts';
import { errorFields, rotatingFileLog } from '../../core/daemon/daemon-log.ts';
import { findRedisServer, preferredPort, readManagedRedisRecord, writeManagedRedisRecord } from '../../core/daemon/managed-redis.ts';
import { redactRedisUrl } from '../../core/daemon/redis-connection.ts';
import { readSpoolBacklog } from '../../core/daemon/daemon-status.ts';

describe('daemon files', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bp-daemon-files-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('puts the socket in the data folder, or under the temp dir keyed by the home when that path is too long', () => {
    assert.equal(controlSocketPath('/home/u/.blueplane', 1000), '/home/u/.blueplane/daemon.sock');
    const deep = join(folder, 'x'.repeat(120));
    const fallback = controlSocketPath(deep, 1000);
    assert.ok(Buffer.byteLength(fallback) <= MAX_SOCKET_PATH_BYTES, fallback);
    assert.ok(fallback.startsWith(join(tmpdir(), 'blueplane-1000')));
    assert.equal(controlSocketPath(deep, 1000), fallback, 'stable for one home');
    assert.notEqual(controlSocketPath(`${deep}2`, 1000), fallback, 'different homes, different sockets');
    assert.equal(daemonPaths('/h').log, '/h/logs/daemon.log');
  });

  it('refuses a socket folder under the temp dir that other users could write to', () => {
    const home = join(folder, 'home');
    const shared = join(folder, 'shared');
    mkdirSync(shared, { mode: 0o777 });
    assert.throws(() => ensureSocketFolder(join(shared, 'a.sock'), home), /private folder/);
    ensureSocketFolder(join(folder, 'fresh', 'a.sock'), home);
    assert.equal(statSync(join(folder, 'fresh')).mode & 0o777, 0o700);
  });

  it('log: JSON lines in a 0600 file in a 0700 folder, rotated by size keeping one previous file', () => {
    const path = join(folder, 'logs', 'daemon.log');
    const log = rotatingFileLog(path, { maxBytes: 2000 });
    for (let index = 0; index < 60; index++) log.info('tick', { index });
    assert.equal(statSync(join(folder, 'logs')).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(existsSync(`${path}.1`));
    assert.ok(statSync(path).size <= 2000);
    assert.ok(!existsSync(`${path}.2`));
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { event: string; index: number });
    assert.equal(lines.at(-1)!.index, 59);
    log.debug('hidden');
    assert.doesNotMatch(readFileSync(path, 'utf8'), /hidden/);
  });

  it('error fields keep the kind and place of a failure, never the quoted data', () => {
    let parseError: unknown;
    try {
      JSON.parse('{"prompt": "CANARY secret prompt text"');
    } catch (error) {
      parseError = error;
    }
    const fields = errorFields(parseError);
    assert.equal(fields.error_name, 'SyntaxError');
    assert.doesNotMatch(JSON.stringify(fields), /CANARY/);
    const open = Object.assign(new Error("ENOENT: no such file or directory, open '/home/u/CANARY.ts'"), { code: 'ENOENT' });
    assert.equal(errorFields(open).error_code, 'ENOENT');
    assert.doesNotMatch(JSON.stringify(errorFields(open)), /CANARY/);
    assert.deepEqual(errorFields('thrown string CANARY'), { error_name: 'string' });
  });

  it('managed Redis: record round trip (0600), port preference only for local TCP URLs, redis-server lookup on PATH', () => {
    const record = join(folder, 'managed-redis.json');
    assert.equal(readManagedRedisRecord(record), undefined);
    writeManagedRedisRecord(record, { url: 'redis://127.0.0.1:7000', pid: 12, port: 7000, dir: '/d', startedAt: 'now' });
    assert.deepEqual(readManagedRedisRecord(record), { url: 'redis://127.0.0.1:7000', pid: 12, port: 7000, dir: '/d', startedAt: 'now' });
    assert.equal(statSync(record).mode & 0o777, 0o600);
    writeFileSync(record, '{"url": 3}');
    assert.equal(readManagedRedisRecord(record), undefined);

    assert.equal(preferredPort('redis://127.0.0.1:6380'), 6380);
    assert.equal(preferredPort('redis://localhost'), 6379);
    assert.equal(preferredPort('redis://db.example:6380'), undefined);
    assert.equal(preferredPort('unix:///tmp/redis.sock'), undefined);

    const bin = join(folder, 'bin');
    mkdirSync(bin);
    assert.equal(findRedisServer(`/nonexistent:${bin}`), undefined);
    writeFileSync(join(bin, 'redis-server'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(findRedisServer(`/nonexistent:${bin}`), join(bin, 'redis-server'));
    assert.equal(findRedisServer(undefined), undefined);
  });

  it('hides Redis passwords in what it prints', () => {
    assert.equal(redactRedisUrl('redis://:hunter2@127.0.0.1:6380/2'), 'redis://:***@127.0.0.1:6380/2');
    assert.equal(redactRedisUrl('redis://127.0.0.1:6380'), 'redis://127.0.0.1:6380');
    assert.doesNotMatch(redactRedisUrl('unix:///tmp/r.sock?password=hunter2'), /hunter2/);
  });

  it('spool backlog: every file under spool/ and its lines', async () => {
    assert.deepEqual(await readSpoolBacklog(folder), { files: 0, lines: 0 });
    mkdirSync(join(folder, 'spool'));
    writeFileSync(join(folder, 'spool', 'claude_code-2026082207.jsonl'), '{}\n{}\n');
    writeFileSync(join(folder, 'spool', 'cursor-2026082207.jsonl.1a2b.draining'), '{}\n');
    writeFileSync(join(folder, 'spool', 'notes.txt'), 'not a spool file\n');
    assert.deepEqual(await readSpoolBacklog(folder), { files: 2, lines: 3 });
  });
});
