// The daemon lock: held by one process at a time, released by the kernel when that process dies
// (kill -9 included), and never mistaken for free while held.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDaemonLock, isDaemonLockHeld } from '../../core/daemon/daemon-lock.ts';
import { SqliteDatabase } from '../../core/daemon/sqlite-binding.ts';
import { REPO_ROOT } from '../support/hook-process.ts';

/** A separate process that takes the lock, says so on stdout, and holds it until killed. */
function holdLockInChild(file: string): Promise<{ pid: number; kill(signal: NodeJS.Signals): Promise<void> }> {
  const script = `
    import { acquireDaemonLock } from ${JSON.stringify(join(REPO_ROOT, 'core/daemon/daemon-lock.ts'))};
    const lock = acquireDaemonLock(${JSON.stringify(file)});
    process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (text: string) => {
      if (text.startsWith('locked')) resolve({ pid: child.pid!, kill: async (signal) => (child.kill(signal), exited) });
      else reject(new Error(`child could not take the lock: ${text}`));
    });
    child.once('error', reject);
  });
}

describe('daemon lock', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bp-lock-'));
    file = join(folder, 'daemon.lock');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('is free before anyone took it, and probing does not create the file', () => {
    assert.equal(isDaemonLockHeld(file), false);
    assert.throws(() => statSync(file), /ENOENT/);
  });

  it('one holder at a time; released on release()', () => {
    const lock = acquireDaemonLock(file, 0);
    assert.ok(lock);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(isDaemonLockHeld(file), true);
    assert.equal(acquireDaemonLock(file, 0), undefined, 'a second acquire fails while held');
    lock.release();
    lock.release();
    assert.equal(isDaemonLockHeld(file), false);
    const again = acquireDaemonLock(file, 0);
    assert.ok(again);
    again.release();
  });

  it('held by another process: busy here; after that process is killed with SIGKILL it is free with no clean-up', async () => {
    const holder = await holdLockInChild(file);
    assert.equal(isDaemonLockHeld(file), true);
    assert.equal(acquireDaemonLock(file, 0), undefined);
    await holder.kill('SIGKILL');
    assert.equal(isDaemonLockHeld(file), false);
    const lock = acquireDaemonLock(file, 0);
    assert.ok(lock, 'taken over after kill -9, file untouched');
    lock.release();
  });

  it('a reader holding a shared lock for a moment (a status probe) does not make a starting daemon give up', async () => {
    acquireDaemonLock(file, 0)!.release();
    const reader = new SqliteDatabase(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM sqlite_master').get();
    const starting = holdLockInChild(file);
    await new Promise((resolve) => setTimeout(resolve, 200));
    reader.exec('COMMIT');
    reader.close();
    const holder = await starting;
    await holder.kill('SIGKILL');
  });
});
