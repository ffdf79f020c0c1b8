import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readShimInfo, renderShim, shellQuote, splitShellWords, type ShimSpec } from '../../core/hooks-install/shim.ts';

/** Runs a script with the real /bin/sh and returns its stdout. */
function sh(script: string, env: Record<string, string> = {}): string {
  const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const AWKWARD = ["plain", "it's", "a b", "$HOME", '"quoted"', 'back\\slash', '}{', "''", '`date`', 'semi;colon', "new\nline"];

const spec: ShimSpec = {
  ide: 'claude',
  version: '1.2.3',
  home: "/tmp/o'neil home",
  runtime: { path: '/opt/node 22/bin/node', nodeVersion: '22.14.0', electron: false },
  hookScript: "/tmp/o'neil home/bin/claude-hook.js",
};

describe('hooks-install shim', () => {
  it('quotes any string so /bin/sh reads it back unchanged', () => {
    for (const value of AWKWARD) assert.equal(sh(`printf %s ${shellQuote(value)}`), value, value);
  });

  it('splits what shellQuote wrote back into the same words', () => {
    assert.deepEqual(splitShellWords(`exec ${AWKWARD.filter((w) => !w.includes('\n')).map(shellQuote).join(' ')} "$@"`), [
      'exec',
      ...AWKWARD.filter((w) => !w.includes('\n')),
      '"$@"',
    ]);
  });

  it('writes the documented shim: header with version, CA certificates unset, home pinned, absolute runtime exec', () => {
    const text = renderShim(spec);
    assert.equal(
      text,
      [
        '#!/bin/sh',
        '# Blueplane claude hook shim, written by `blueplane hooks install` (version 1.2.3). Reinstall to update.',
        'unset NODE_EXTRA_CA_CERTS',
        "BLUEPLANE_HOME='/tmp/o'\\''neil home'; export BLUEPLANE_HOME",
        "exec '/opt/node 22/bin/node' '/tmp/o'\\''neil home/bin/claude-hook.js' \"$@\"",
        '',
      ].join('\n'),
    );
  });

  it('adds ELECTRON_RUN_AS_NODE only for an Electron runtime, and Redis defaults only when given', () => {
    const plain = renderShim(spec);
    assert.ok(!plain.includes('ELECTRON_RUN_AS_NODE'));
    assert.ok(!plain.includes('BLUEPLANE_REDIS'));
    const full = renderShim({ ...spec, runtime: { ...spec.runtime, electron: true }, redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'test:' });
    assert.match(full, /^ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE$/m);
    assert.match(full, /BLUEPLANE_REDIS_URL='redis:\/\/127\.0\.0\.1:1'; export BLUEPLANE_REDIS_URL$/m);
    assert.match(full, /BLUEPLANE_REDIS_PREFIX='test:'; export BLUEPLANE_REDIS_PREFIX$/m);
  });

  it('sets the Redis defaults only when the IDE environment has no value, whatever the value holds', () => {
    const url = `redis://u:p'a}s"$x\`@host:1/0`;
    const lines = renderShim({ ...spec, redisUrl: url }).split('\n').filter((line) => line.includes('BLUEPLANE_REDIS_URL'));
    const script = `${lines.join('\n')}\nprintf %s "$BLUEPLANE_REDIS_URL"`;
    assert.equal(sh(script), url);
    assert.equal(sh(script, { BLUEPLANE_REDIS_URL: '' }), url);
    assert.equal(sh(script, { BLUEPLANE_REDIS_URL: 'redis://mine:6379' }), 'redis://mine:6379');
  });

  it('reads back who wrote a shim, for which version and runtime', () => {
    assert.deepEqual(readShimInfo(renderShim(spec)), {
      ide: 'claude',
      version: '1.2.3',
      runtime: '/opt/node 22/bin/node',
      hookScript: "/tmp/o'neil home/bin/claude-hook.js",
    });
    assert.equal(readShimInfo('#!/bin/sh\nexec node x.js\n'), undefined);
    assert.equal(readShimInfo('# Blueplane claude hook shim, written by `blueplane hooks install` (version 1).\n'), undefined);
  });
});
