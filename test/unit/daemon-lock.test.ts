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

interface Contender {
  outcome: Promise<'locked' | 'busy'>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** A separate process that tries to take the lock, says how it went, and holds it until killed. */
function contend(file: string): Contender {
  const script = `
    import { acquireDaemonLock } from ${JSON.stringify(join(REPO_ROOT, 'core/daemon/daemon-lock.ts'))};
    const lock = acquireDaemonLock(${JSON.stringify(file)});
    process.stdout.write(lock ? 'locked\\n' : 'busy\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const outcome = new Promise<'locked' | 'busy'>((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', (text: string) => resolve(text.startsWith('locked') ? 'locked' : 'busy'));
    child.once('error', reject);
  });
  return { outcome, kill: async (signal) => (child.kill(signal), exited) };
}

async function holdLockInChild(file: string): Promise<Contender> {
  const holder = contend(file);
  assert.equal(await holder.outcome, 'locked', 'the child took the lock');
  return holder;
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

  it('any number of processes racing for it: exactly one wins, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const contenders = Array.from({ length: 6 }, () => contend(file));
      try {
        const outcomes = await Promise.all(contenders.map((contender) => contender.outcome));
        assert.equal(outcomes.filter((outcome) => outcome === 'locked').length, 1, `round ${round}: ${outcomes.join(', ')}`);
      } finally {
        await Promise.all(contenders.map((contender) => contender.kill('SIGKILL')));
      }
    }
  });

  it('stays held when the caller drops its reference and the garbage collector runs', async () => {
    const script = `
      import { acquireDaemonLock, isDaemonLockHeld } from ${JSON.stringify(join(REPO_ROOT, 'core/daemon/daemon-lock.ts'))};
      acquireDaemonLock(${JSON.stringify(file)});
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      globalThis.gc();
      process.stdout.write('collected\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--expose-gc', '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await new Promise<void>((resolve) => child.stdout.setEncoding('utf8').once('data', () => resolve()));
      assert.equal(isDaemonLockHeld(file), true);
      assert.equal(acquireDaemonLock(file, 0), undefined);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
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
