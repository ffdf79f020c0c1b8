// The installer against real files: a temporary HOME holding a user's own Claude Code and Cursor
// hooks, a temporary BLUEPLANE_HOME, and the built hook bundles run through the installed shims.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLAUDE_HOOK_EVENTS, claudeHookGroup } from '../../core/hooks-install/claude-settings.ts';
import { CURSOR_HOOK_EVENTS, cursorHookEntry } from '../../core/hooks-install/cursor-hooks-file.ts';
import { probeRuntime, type HookRuntime } from '../../core/hooks-install/hook-runtime.ts';
import { HooksInstallError } from '../../core/hooks-install/hooks-install-error.ts';
import { installHooks, uninstallHooks, type InstallOptions } from '../../core/hooks-install/installer.ts';
import { hooksStatus } from '../../core/hooks-install/status.ts';
import { cleanEnv, ensureBuiltHooks, REPO_ROOT } from '../support/hook-process.ts';

const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'hooks');
const NODE: HookRuntime = { path: process.execPath, nodeVersion: process.versions.node, electron: false };

/** The user's settings as they wrote them: 4-space indent, their own hooks, other keys around. */
const USER_CLAUDE_SETTINGS = {
  $schema: 'https://json.schemastore.org/claude-code-settings.json',
  permissions: { allow: ['Bash(npm run test:*)'], deny: ['Read(./.env)'], defaultMode: 'acceptEdits' },
  env: { CLAUDE_CODE_ENABLE_TELEMETRY: '0', MY_TOKEN_HINT: 'none' },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '~/.claude/hooks/check-bash.sh', timeout: 10 }] }],
    Stop: [{ hooks: [{ type: 'http', url: 'http://localhost:8080/hooks/stop', timeout: 30 }] }],
  },
  model: 'opus',
  statusLine: { type: 'command', command: '~/.claude/statusline.sh' },
};

const USER_CURSOR_HOOKS = {
  version: 1,
  hooks: {
    afterFileEdit: [{ command: './hooks/format.sh' }],
    beforeShellExecution: [{ command: './hooks/approve-network.sh', timeout: 30, matcher: 'curl|wget|nc' }],
  },
};

interface Sandbox {
  root: string;
  userHome: string;
  home: string;
  claudeFile: string;
  cursorFile: string;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function spoolLines(home: string): string[] {
  const folder = join(home, 'spool');
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => readFileSync(join(folder, name), 'utf8').split('\n').filter(Boolean));
}

function expectRefusal(run: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof HooksInstallError, String(error));
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

describe('hooks-install on real files', () => {
  let box: Sandbox;
  const options = (extra: Partial<InstallOptions> = {}): InstallOptions => ({
    ides: ['claude', 'cursor'],
    home: box.home,
    userHome: box.userHome,
    hookBundleDir: BUNDLE_DIR,
    runtime: NODE,
    version: '9.9.9',
    ...extra,
  });

  function writeUserFiles(): { claude: Buffer; cursor: Buffer } {
    mkdirSync(join(box.userHome, '.claude'), { recursive: true });
    mkdirSync(join(box.userHome, '.cursor'), { recursive: true });
    writeFileSync(box.claudeFile, `${JSON.stringify(USER_CLAUDE_SETTINGS, null, 4)}\n`, { mode: 0o640 });
    writeFileSync(box.cursorFile, JSON.stringify(USER_CURSOR_HOOKS), { mode: 0o644 });
    chmodSync(box.claudeFile, 0o640);
    chmodSync(box.cursorFile, 0o644);
    return { claude: readFileSync(box.claudeFile), cursor: readFileSync(box.cursorFile) };
  }

  before(() => ensureBuiltHooks());

  beforeEach(() => {
    const root = mkdtempSync(join(tmpdir(), 'bp-hooks-install-'));
    const userHome = join(root, 'user');
    mkdirSync(userHome);
    box = {
      root,
      userHome,
      home: join(root, 'blueplane home'),
      claudeFile: join(userHome, '.claude', 'settings.json'),
      cursorFile: join(userHome, '.cursor', 'hooks.json'),
    };
  });
  afterEach(() => rmSync(box.root, { recursive: true, force: true }));

  describe('merging with the user\'s own hooks', () => {
    it('keeps every user entry and key, adds all our events with the exact shape, and keeps a backup and the file mode', () => {
      const original = writeUserFiles();
      const results = installHooks(options());
      assert.deepEqual(results.map((r) => [r.ide, r.configFile.changed, r.configFile.created]), [['claude', true, false], ['cursor', true, false]]);

      const claudeShim = join(box.home, 'bin', 'blueplane-claude-hook');
      const settings = readJson(box.claudeFile) as typeof USER_CLAUDE_SETTINGS & { hooks: Record<string, unknown[]> };
      assert.deepEqual(Object.keys(settings), Object.keys(USER_CLAUDE_SETTINGS));
      for (const key of ['$schema', 'permissions', 'env', 'model', 'statusLine'] as const) assert.deepEqual(settings[key], USER_CLAUDE_SETTINGS[key]);
      assert.deepEqual(settings.hooks.PreToolUse, [USER_CLAUDE_SETTINGS.hooks.PreToolUse[0], claudeHookGroup(claudeShim, 'PreToolUse')]);
      assert.deepEqual(settings.hooks.Stop, [USER_CLAUDE_SETTINGS.hooks.Stop[0], claudeHookGroup(claudeShim, 'Stop')]);
      assert.deepEqual(Object.keys(settings.hooks).sort(), [...CLAUDE_HOOK_EVENTS].sort());
      for (const event of CLAUDE_HOOK_EVENTS) assert.deepEqual(settings.hooks[event]!.at(-1), claudeHookGroup(claudeShim, event));
      assert.deepEqual(settings.hooks.SessionStart, [
        { hooks: [{ type: 'command', command: `'${box.home}/bin/blueplane-claude-hook' SessionStart`, timeout: 5, async: true }] },
      ]);
      assert.deepEqual(settings.hooks.SessionEnd, [{ hooks: [{ type: 'command', command: `'${box.home}/bin/blueplane-claude-hook' SessionEnd`, timeout: 5 }] }]);

      const cursorShim = join(box.home, 'bin', 'blueplane-cursor-hook');
      const cursor = readJson(box.cursorFile) as { version: number; hooks: Record<string, unknown[]> };
      assert.equal(cursor.version, 1);
      assert.deepEqual(cursor.hooks.afterFileEdit, [USER_CURSOR_HOOKS.hooks.afterFileEdit[0], cursorHookEntry(cursorShim, 'afterFileEdit')]);
      assert.deepEqual(cursor.hooks.beforeShellExecution, USER_CURSOR_HOOKS.hooks.beforeShellExecution);
      assert.deepEqual(Object.keys(cursor.hooks).sort(), [...CURSOR_HOOK_EVENTS, 'beforeShellExecution'].sort());
      for (const event of CURSOR_HOOK_EVENTS) assert.deepEqual(cursor.hooks[event]!.at(-1), { command: `'${cursorShim}' ${event}`, timeout: 5 });
      assert.ok(!readFileSync(box.cursorFile, 'utf8').includes('//'));

      assert.deepEqual(readFileSync(`${box.claudeFile}.blueplane-backup`), original.claude);
      assert.deepEqual(readFileSync(`${box.cursorFile}.blueplane-backup`), original.cursor);
      assert.equal(statSync(box.claudeFile).mode & 0o777, 0o640);
      assert.equal(statSync(`${box.claudeFile}.blueplane-backup`).mode & 0o777, 0o640);
      assert.equal(statSync(box.cursorFile).mode & 0o777, 0o644);
      assert.match(readFileSync(box.claudeFile, 'utf8'), /^\{\n {2}"\$schema"[\s\S]*\n\}\n$/, '2-space indent, trailing newline');
      assert.equal(statSync(box.home).mode & 0o777, 0o700);
      assert.equal(statSync(join(box.home, 'bin')).mode & 0o777, 0o700);
      assert.equal(statSync(claudeShim).mode & 0o777, 0o755);
      assert.deepEqual(readFileSync(join(box.home, 'bin', 'claude-hook.js')), readFileSync(join(BUNDLE_DIR, 'claude.js')));
      assert.deepEqual(readFileSync(join(box.home, 'bin', 'cursor-hook.js')), readFileSync(join(BUNDLE_DIR, 'cursor.js')));
    });

    it('installing twice changes nothing: same bytes, no rewrite, backup untouched', async () => {
      writeUserFiles();
      installHooks(options());
      const files = [box.claudeFile, box.cursorFile, `${box.claudeFile}.blueplane-backup`, `${box.cursorFile}.blueplane-backup`, join(box.home, 'bin', 'blueplane-claude-hook'), join(box.home, 'bin', 'claude-hook.js')];
      const before = files.map((path) => ({ bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs, ino: statSync(path).ino }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = installHooks(options());
      assert.deepEqual(again.map((r) => r.configFile.changed), [false, false]);
      assert.deepEqual(
        files.map((path) => ({ bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs, ino: statSync(path).ino })),
        before,
      );
    });

    it('uninstall gives back the user\'s files (deep-equal, key order too) and removes our shims and hook copies', () => {
      writeUserFiles();
      installHooks(options());
      const installed = { claude: readFileSync(box.claudeFile), cursor: readFileSync(box.cursorFile) };
      const results = uninstallHooks({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome });
      assert.deepEqual(results.map((r) => r.configFile.changed), [true, true]);
      assert.equal(JSON.stringify(readJson(box.claudeFile)), JSON.stringify(USER_CLAUDE_SETTINGS));
      assert.equal(JSON.stringify(readJson(box.cursorFile)), JSON.stringify(USER_CURSOR_HOOKS));
      assert.deepEqual(readFileSync(`${box.claudeFile}.blueplane-backup`), installed.claude, 'the backup is the version right before our last change');
      assert.deepEqual(readFileSync(`${box.cursorFile}.blueplane-backup`), installed.cursor);
      assert.equal(existsSync(join(box.home, 'bin')), false, 'shims, hook copies and the emptied bin folder are gone');
      assert.deepEqual(uninstallHooks({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome }).map((r) => r.configFile.changed), [false, false]);
    });

    it('a reinstall after a change of home replaces our entries in place', () => {
      writeUserFiles();
      installHooks(options());
      const otherHome = join(box.root, 'other-home');
      installHooks(options({ home: otherHome }));
      const text = readFileSync(box.claudeFile, 'utf8');
      assert.ok(!text.includes(`'${box.home}/bin`), 'no entry left for the old home');
      const settings = readJson(box.claudeFile) as { hooks: Record<string, unknown[]> };
      assert.deepEqual(settings.hooks.PreToolUse, [USER_CLAUDE_SETTINGS.hooks.PreToolUse[0], claudeHookGroup(join(otherHome, 'bin', 'blueplane-claude-hook'), 'PreToolUse')]);
      uninstallHooks({ ides: ['claude', 'cursor'], home: otherHome, userHome: box.userHome });
      assert.equal(JSON.stringify(readJson(box.claudeFile)), JSON.stringify(USER_CLAUDE_SETTINGS));
    });

    it('only the chosen IDE is touched', () => {
      const original = writeUserFiles();
      installHooks(options({ ides: ['cursor'] }));
      assert.deepEqual(readFileSync(box.claudeFile), original.claude);
      assert.equal(existsSync(join(box.home, 'bin', 'blueplane-claude-hook')), false);
      assert.ok(existsSync(join(box.home, 'bin', 'blueplane-cursor-hook')));
    });
  });

  describe('files that did not exist', () => {
    it('creates private files and folders; uninstall leaves the minimal valid files', () => {
      const results = installHooks(options());
      assert.deepEqual(results.map((r) => [r.configFile.created, r.configFile.backupFile]), [[true, undefined], [true, undefined]]);
      assert.equal(statSync(join(box.userHome, '.claude')).mode & 0o777, 0o700);
      assert.equal(statSync(box.claudeFile).mode & 0o777, 0o600);
      assert.equal(existsSync(`${box.claudeFile}.blueplane-backup`), false, 'nothing to back up');
      uninstallHooks({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome });
      assert.equal(readFileSync(box.claudeFile, 'utf8'), '{}\n');
      assert.equal(readFileSync(box.cursorFile, 'utf8'), '{\n  "version": 1,\n  "hooks": {}\n}\n');
    });

    it('uninstall without anything installed creates nothing', () => {
      uninstallHooks({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome });
      assert.deepEqual(readdirSync(box.userHome), []);
      assert.equal(existsSync(box.home), false);
    });

    it('an empty file counts as an empty document', () => {
      mkdirSync(join(box.userHome, '.claude'));
      writeFileSync(box.claudeFile, '');
      installHooks(options({ ides: ['claude'] }));
      assert.equal(Object.keys((readJson(box.claudeFile) as { hooks: object }).hooks).length, 29);
    });
  });

  describe('files it refuses to merge into (nothing written anywhere)', () => {
    function assertNothingWritten(original: { claude: Buffer; cursor: Buffer }): void {
      assert.deepEqual(readFileSync(box.claudeFile), original.claude);
      assert.deepEqual(readFileSync(box.cursorFile), original.cursor);
      assert.equal(existsSync(`${box.claudeFile}.blueplane-backup`), false);
      assert.equal(existsSync(`${box.cursorFile}.blueplane-backup`), false);
      assert.equal(existsSync(box.home), false, 'no shim or hook copy either');
    }

    it('invalid JSON: names the file, says to fix it, changes nothing', () => {
      const original = writeUserFiles();
      writeFileSync(box.claudeFile, '{ "hooks": { "Stop": [] }, }\n');
      const broken = { ...original, claude: readFileSync(box.claudeFile) };
      expectRefusal(() => installHooks(options()), new RegExp(`${box.claudeFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`), /fix the file/, /Nothing was changed/);
      assertNothingWritten(broken);
      expectRefusal(() => uninstallHooks({ ides: ['claude'], home: box.home, userHome: box.userHome }), /is not valid JSON/);
      assertNothingWritten(broken);
    });

    it('a key written twice, a top level that is not an object, a hooks value of the wrong type', () => {
      const original = writeUserFiles();
      for (const [text, pattern] of [
        ['{"hooks":{"Stop":[]},"hooks":{}}', /the key hooks twice/],
        ['[]', /must hold a JSON object/],
        ['{"hooks":{"PreToolUse":{"matcher":"Bash"}}}', /hooks\.PreToolUse: must be a list/],
      ] as const) {
        writeFileSync(box.claudeFile, text);
        expectRefusal(() => installHooks(options()), pattern, new RegExp(box.claudeFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        assertNothingWritten({ ...original, claude: Buffer.from(text) });
      }
    });

    it('two refused files are reported together', () => {
      writeUserFiles();
      writeFileSync(box.claudeFile, '{,}');
      writeFileSync(box.cursorFile, '{"version":1,"hooks":{"nope":[]}}');
      const original = { claude: readFileSync(box.claudeFile), cursor: readFileSync(box.cursorFile) };
      expectRefusal(() => installHooks(options()), /settings\.json is not valid JSON[\s\S]*\n\n.*hooks\.json has entries Blueplane cannot merge with:\n {2}hooks\.nope:/);
      assertNothingWritten(original);
    });

    it('a Cursor file Cursor itself would reject: unknown event, bad regex matcher, "//" in a string, comments', () => {
      const original = writeUserFiles();
      const cases: Array<[unknown, RegExp]> = [
        [{ version: 1, hooks: { ...USER_CURSOR_HOOKS.hooks, afterFileSave: [{ command: 'x.sh' }] } }, /hooks\.afterFileSave: is not an event Cursor knows/],
        [{ version: 1, hooks: { afterShellExecution: [{ command: 'x.sh', matcher: 'git (push' }] } }, /hooks\.afterShellExecution\[0\]\.matcher: is not a valid regular expression/],
        [{ version: 1, hooks: { stop: [{ command: 'curl -s http://localhost:9/x' }] } }, /hooks\.stop\[0\]\.command: contains "\/\/"/],
        [{ hooks: {} }, /version: must be a positive integer.*Set "version": 1/],
      ];
      for (const [document, pattern] of cases) {
        writeFileSync(box.cursorFile, JSON.stringify(document, null, 2));
        const bytes = readFileSync(box.cursorFile);
        expectRefusal(() => installHooks(options()), pattern, /hooks\.json has entries Blueplane cannot merge with/, /Cursor ignores the whole file/);
        assertNothingWritten({ ...original, cursor: bytes });
      }
      writeFileSync(box.cursorFile, '{\n  // mine\n  "version": 1, "hooks": {}\n}\n');
      expectRefusal(() => installHooks(options({ ides: ['cursor'] })), /not valid JSON/, /remove them/);
    });
  });

  it('writes through a symlinked settings file (dotfiles) instead of replacing the link', () => {
    const original = writeUserFiles();
    const dotfiles = join(box.root, 'dotfiles');
    mkdirSync(dotfiles);
    writeFileSync(join(dotfiles, 'claude-settings.json'), original.claude);
    rmSync(box.claudeFile);
    symlinkSync(join(dotfiles, 'claude-settings.json'), box.claudeFile);
    installHooks(options({ ides: ['claude'] }));
    assert.equal(readlinkSync(box.claudeFile), join(dotfiles, 'claude-settings.json'));
    assert.equal(Object.keys((readJson(join(dotfiles, 'claude-settings.json')) as { hooks: object }).hooks).length, 29);
  });

  it('the bundle folder missing: a clear error before anything is written', () => {
    writeUserFiles();
    expectRefusal(() => installHooks(options({ hookBundleDir: join(box.root, 'no-dist') })), /hook bundle .*claude\.js/, /npm run build/);
    assert.equal(existsSync(box.home), false);
  });

  it('uninstall leaves a file at our shim path that it did not write', () => {
    installHooks(options({ ides: ['claude'] }));
    const shim = join(box.home, 'bin', 'blueplane-claude-hook');
    writeFileSync(shim, '#!/bin/sh\necho mine\n');
    const [result] = uninstallHooks({ ides: ['claude'], home: box.home, userHome: box.userHome });
    assert.deepEqual(result!.keptForeign, [shim]);
    assert.equal(readFileSync(shim, 'utf8'), '#!/bin/sh\necho mine\n');
    assert.equal(existsSync(join(box.home, 'bin', 'claude-hook.js')), false);
  });

  describe('the installed shim runs the built hook', () => {
    const payload = JSON.stringify({ session_id: 'install-test', hook_event_name: 'SessionStart', source: 'startup', cwd: '/tmp', transcript_path: '/tmp/t.jsonl' });

    it('Claude Code: exit 0, nothing printed, one event spooled in the installed home (Redis unreachable)', () => {
      installHooks(options({ ides: ['claude'], redisUrl: 'redis://127.0.0.1:1' }));
      // The IDE's environment knows nothing of Blueplane: the shim supplies home and Redis URL.
      const run = spawnSync(join(box.home, 'bin', 'blueplane-claude-hook'), ['SessionStart'], { input: payload, env: cleanEnv({ HOME: box.userHome }), encoding: 'utf8', timeout: 15_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, '');
      const lines = spoolLines(box.home);
      assert.equal(lines.length, 1);
      const event = JSON.parse(lines[0]!) as { platform: string; hook_type: string; session_id: string };
      assert.deepEqual([event.platform, event.hook_type, event.session_id], ['claude_code', 'SessionStart', 'install-test']);
    });

    it('Cursor: exit 0, prints exactly {}, one event spooled', () => {
      installHooks(options({ ides: ['cursor'], redisUrl: 'redis://127.0.0.1:1' }));
      const cursorPayload = JSON.stringify({ conversation_id: 'c1', generation_id: 'g1', hook_event_name: 'stop', status: 'completed', loop_count: 0, workspace_roots: ['/tmp'] });
      const run = spawnSync(join(box.home, 'bin', 'blueplane-cursor-hook'), ['stop'], { input: cursorPayload, env: cleanEnv({ HOME: box.userHome }), encoding: 'utf8', timeout: 15_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, '{}');
      assert.equal(spoolLines(box.home).length, 1);
    });

    it('unsets NODE_EXTRA_CA_CERTS before starting the runtime', () => {
      // A runtime that records the variable as it receives it, then is Node.
      const seen = join(box.root, 'seen-ca.txt');
      const wrapper = join(box.root, 'node-wrapper');
      writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "\${NODE_EXTRA_CA_CERTS-unset}" >> '${seen}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
      const runtime = probeRuntime(wrapper, 'the wrapper', cleanEnv());
      installHooks(options({ ides: ['claude'], runtime, redisUrl: 'redis://127.0.0.1:1' }));
      rmSync(seen, { force: true });
      const run = spawnSync(join(box.home, 'bin', 'blueplane-claude-hook'), ['SessionStart'], {
        input: payload,
        env: cleanEnv({ HOME: box.userHome, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' }),
        encoding: 'utf8',
        timeout: 15_000,
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(seen, 'utf8'), 'unset\n');
      assert.equal(spoolLines(box.home).length, 1);
      assert.match(readFileSync(join(box.home, 'bin', 'blueplane-claude-hook'), 'utf8'), /^unset NODE_EXTRA_CA_CERTS$/m);
    });
  });

  describe('status', () => {
    it('reports nothing installed, then everything, per IDE', () => {
      writeUserFiles();
      const before = hooksStatus({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome, version: '9.9.9' });
      assert.equal(before.ides.claude!.hooks!.state, 'none');
      assert.equal(before.ides.claude!.detected, true);
      assert.equal(before.ides.claude!.shim.exists, false);
      assert.deepEqual(before.ides.claude!.problems, []);
      installHooks(options());
      const after = hooksStatus({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome, version: '9.9.9' });
      for (const ide of ['claude', 'cursor'] as const) {
        const status = after.ides[ide]!;
        assert.equal(status.hooks!.state, 'all');
        assert.deepEqual(status.shim, { ...status.shim, exists: true, executable: true, ours: true, version: '9.9.9', runtime: process.execPath, runtimeExists: true, hookScriptExists: true });
        assert.equal(status.upToDate, true);
        assert.deepEqual(status.problems, []);
      }
      assert.match(after.ides.claude!.notes.join(' '), /WorktreeCreate and WorktreeRemove are not registered/);
      assert.match(after.ides.cursor!.notes.join(' '), /Permission hooks .* are not registered/);
    });

    it('names missing events, a vanished runtime, an older version and an unreadable file, each with the fix', () => {
      installHooks(options({ version: '0.0.1' }));
      const settings = readJson(box.claudeFile) as { hooks: Record<string, unknown> };
      delete settings.hooks.Notification;
      writeFileSync(box.claudeFile, JSON.stringify(settings));
      const shim = join(box.home, 'bin', 'blueplane-claude-hook');
      writeFileSync(shim, readFileSync(shim, 'utf8').replace(process.execPath, '/gone/node'));
      writeFileSync(box.cursorFile, '{');
      const status = hooksStatus({ ides: ['claude', 'cursor'], home: box.home, userHome: box.userHome, version: '9.9.9' });
      const claude = status.ides.claude!;
      assert.equal(claude.hooks!.state, 'some');
      assert.deepEqual(claude.hooks!.missing, ['Notification']);
      assert.equal(claude.upToDate, false);
      assert.equal(claude.installedVersion, '0.0.1');
      const problems = claude.problems.join('\n');
      assert.match(problems, /1 of 29 events are missing .*Notification.*blueplane hooks install --claude/);
      assert.match(problems, /\/gone\/node\) does not exist any more/);
      assert.match(problems, /installed by Blueplane 0\.0\.1; this is 9\.9\.9/);
      const cursor = status.ides.cursor!;
      assert.equal(cursor.hooks, undefined);
      assert.match(cursor.problems[0]!, /hooks\.json is not valid JSON/);
    });
  });
});
