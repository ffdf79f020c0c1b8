import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveHookRuntime, type ResolveRuntimeOptions } from '../../core/hooks-install/hook-runtime.ts';
import { HooksInstallError } from '../../core/hooks-install/hooks-install-error.ts';

describe('hooks-install runtime choice', () => {
  let folder: string;
  const base = (): ResolveRuntimeOptions => ({ env: { PATH: '' }, cwd: folder, execPath: process.execPath, runningElectron: false });

  /** An executable shell script standing in for a runtime. */
  function fakeRuntime(name: string, body: string): string {
    const path = join(folder, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  function assertRefused(options: ResolveRuntimeOptions, pattern: RegExp): void {
    assert.throws(
      () => resolveHookRuntime(options),
      (error: unknown) => {
        assert.ok(error instanceof HooksInstallError);
        assert.match(error.message, pattern);
        assert.match(error.message, /--node <path>/, 'says how to choose another runtime');
        return true;
      },
    );
  }

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bp-runtime-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('uses the Node running the installer when it is plain Node', () => {
    const runtime = resolveHookRuntime(base());
    assert.deepEqual(runtime, { path: process.execPath, nodeVersion: process.versions.node, electron: false });
  });

  it('uses an explicit --node, relative to the working folder or looked up on PATH', () => {
    symlinkSync(process.execPath, join(folder, 'node'));
    assert.equal(resolveHookRuntime({ ...base(), explicit: './node' }).path, join(folder, 'node'));
    assert.equal(resolveHookRuntime({ ...base(), explicit: 'node', env: { PATH: `/nonexistent:${folder}` } }).path, join(folder, 'node'));
  });

  it('inside Electron, takes the first node on PATH rather than Electron itself', () => {
    symlinkSync(process.execPath, join(folder, 'node'));
    const runtime = resolveHookRuntime({ ...base(), runningElectron: true, execPath: '/nonexistent/electron', env: { PATH: `relative/bin:${folder}` } });
    assert.equal(runtime.path, join(folder, 'node'), 'absolute, symlink kept');
    assertRefused({ ...base(), runningElectron: true, execPath: '/nonexistent/electron' }, /No `node` found on PATH/);
  });

  it('recognizes an Electron runtime, which the shim must run with ELECTRON_RUN_AS_NODE=1', () => {
    const electron = fakeRuntime('code', `[ "$ELECTRON_RUN_AS_NODE" = 1 ] || exit 9\necho '["22.15.1","35.5.1"]'`);
    assert.deepEqual(resolveHookRuntime({ ...base(), explicit: electron }), { path: electron, nodeVersion: '22.15.1', electron: true });
  });

  it('refuses, saying how to pass --node: a missing file, a non-Node program, a failing one, a Node older than 18', () => {
    assertRefused({ ...base(), explicit: '/nonexistent/node' }, /\/nonexistent\/node.*no such file/);
    assertRefused({ ...base(), explicit: 'no-such-node-here' }, /no such command on PATH/);
    assertRefused({ ...base(), explicit: '' }, /--node needs a path/);
    assertRefused({ ...base(), explicit: fakeRuntime('quiet', 'exit 0') }, /is not Node\.js/);
    assertRefused({ ...base(), explicit: fakeRuntime('broken', 'exit 3') }, /exited with 3/);
    assertRefused({ ...base(), explicit: fakeRuntime('old', `echo '["16.20.2",null]'`) }, /Node 16\.20\.2.*need Node >= 18/);
    const notExecutable = join(folder, 'plain');
    writeFileSync(notExecutable, '');
    assertRefused({ ...base(), explicit: notExecutable }, /did not run/);
  });

  it('probes without NODE_EXTRA_CA_CERTS, as the shim will run it', () => {
    const out = join(folder, 'env.txt');
    const probe = fakeRuntime('probe', `echo "\${NODE_EXTRA_CA_CERTS-unset}" > '${out}'\necho '["22.0.0",null]'`);
    resolveHookRuntime({ ...base(), explicit: probe, env: { PATH: '', NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' } });
    assert.equal(readFileSync(out, 'utf8'), 'unset\n');
  });
});
