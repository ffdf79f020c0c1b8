import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOOK_LIMITS, DEFAULT_REDIS_URL, loadConfig } from '../../core/config.ts';
import { ensurePrivateFolder, loadOrCreateSecret } from '../../core/data-folder.ts';

describe('configuration', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bp-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('defaults to ~/.blueplane, the local Redis and no prefix', () => {
    const config = loadConfig({ HOME: root });
    assert.equal(config.home, join(root, '.blueplane'));
    assert.equal(config.redisUrl, DEFAULT_REDIS_URL);
    assert.equal(config.redisPrefix, '');
    assert.deepEqual(config.hook, DEFAULT_HOOK_LIMITS);
  });

  it('reads config.json from the data folder, and environment variables win over it', () => {
    const home = join(root, 'data');
    mkdirSync(home);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ redisUrl: 'redis://127.0.0.1:7000', redisPrefix: 'file:', hook: { redisTimeoutMs: 40 } }));
    const fromFile = loadConfig({ BLUEPLANE_HOME: home });
    assert.equal(fromFile.redisUrl, 'redis://127.0.0.1:7000');
    assert.equal(fromFile.redisPrefix, 'file:');
    assert.equal(fromFile.hook.redisTimeoutMs, 40);
    assert.equal(fromFile.hook.stdinTimeoutMs, DEFAULT_HOOK_LIMITS.stdinTimeoutMs);
    const fromEnv = loadConfig({ BLUEPLANE_HOME: home, BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:7001', BLUEPLANE_REDIS_PREFIX: 'env:' });
    assert.equal(fromEnv.redisUrl, 'redis://127.0.0.1:7001');
    assert.equal(fromEnv.redisPrefix, 'env:');
  });

  it('reports an invalid config.json and falls back to defaults instead of failing', () => {
    writeFileSync(join(root, 'config.json'), '{ not json');
    const problems: string[] = [];
    const config = loadConfig({ BLUEPLANE_HOME: root }, (message) => problems.push(message));
    assert.equal(config.redisUrl, DEFAULT_REDIS_URL);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /config\.json is not valid JSON/);
  });

  it('creates the data folder private (0700)', () => {
    const home = join(root, 'a', 'b');
    ensurePrivateFolder(home);
    assert.equal(statSync(home).mode & 0o777, 0o700);
  });

  it('creates the install secret once, private (0600), and returns the same one afterwards', () => {
    const home = join(root, 'home');
    const first = loadOrCreateSecret(home);
    assert.equal(first.length, 32);
    assert.equal(statSync(join(home, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(statSync(home).mode & 0o777, 0o700);
    assert.deepEqual(loadOrCreateSecret(home), first);
    assert.equal(readFileSync(join(home, 'secret.key'), 'utf8').trim(), first.toString('hex'));
  });
});
