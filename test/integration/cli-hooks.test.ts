// `blueplane hooks …` as a real child process (the built dist/core/cli.js), in a temporary HOME
// and BLUEPLANE_HOME: exit codes, messages, JSON status before and after, the shim it writes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, ensureBuiltHooks, REPO_ROOT, systemNode } from '../support/hook-process.ts';

const CLI = join(REPO_ROOT, 'dist', 'core', 'cli.js');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('cli: blueplane hooks', () => {
  let root: string;
  let userHome: string;
  let home: string;
  let settingsFile: string;

  function blueplane(args: string[], extraEnv: Record<string, string> = {}): CliRun {
    const run = spawnSync(process.execPath, [CLI, ...args], {
      cwd: root,
      env: cleanEnv({ HOME: userHome, BLUEPLANE_HOME: home, ...extraEnv }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  function statusJson(...flags: string[]): { cliVersion: string; home: string; ides: Record<string, any> } {
    const run = blueplane(['hooks', 'status', '--json', ...flags]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  }

  before(() => {
    ensureBuiltHooks();
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\``);
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bp-cli-hooks-'));
    userHome = join(root, 'user');
    home = join(root, 'bp');
    mkdirSync(join(userHome, '.claude'), { recursive: true });
    settingsFile = join(userHome, '.claude', 'settings.json');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('--help and --version exit 0', () => {
    const help = blueplane(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: blueplane <command> \[options\]/);
    assert.match(help.stdout, /hooks +install, remove or check the Claude Code and Cursor hooks/);
    const hooksHelp = blueplane(['hooks', '--help']);
    assert.equal(hooksHelp.code, 0);
    assert.match(hooksHelp.stdout, /Usage: blueplane hooks <install\|uninstall\|status> \[--claude\] \[--cursor\] \[--json\] \[--node <path>\]/);
    assert.deepEqual(blueplane(['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('a wrong command line exits 2 and says what to run', () => {
    const cases: Array<[string[], RegExp]> = [
      [['frob'], /^blueplane: unknown command 'frob'; run `blueplane --help`\n$/],
      [['hooks'], /missing what to do \(install, uninstall, status\); run `blueplane hooks --help`/],
      [['hooks', 'instal'], /unknown command 'hooks instal'; run `blueplane hooks --help`/],
      [['hooks', 'install', '--cursr'], /unknown option '--cursr' for `blueplane hooks`; run `blueplane hooks --help`/],
      [['hooks', 'status', '--node', '/usr/bin/node'], /'--node' applies only to `blueplane hooks install`/],
      [['hooks', 'install', 'extra'], /unexpected argument 'extra'/],
    ];
    for (const [args, pattern] of cases) {
      const run = blueplane(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, pattern);
    }
    assert.equal(existsSync(home), false, 'nothing was installed');
    assert.deepEqual(readdirSync(join(userHome, '.claude')), []);
  });

  it('install --claude, status --json before and after, uninstall', () => {
    const before = statusJson();
    assert.equal(before.cliVersion, VERSION);
    assert.equal(before.home, home);
    assert.deepEqual(Object.keys(before.ides), ['claude', 'cursor']);
    assert.equal(before.ides.claude.detected, true);
    assert.equal(before.ides.cursor.detected, false);
    assert.equal(before.ides.claude.hooks.state, 'none');
    assert.equal(before.ides.claude.configFile.exists, false);
    assert.equal(before.ides.claude.shim.exists, false);
    assert.match(before.ides.claude.notes.join('\n'), /WorktreeCreate and WorktreeRemove are not registered/);

    const install = blueplane(['hooks', 'install', '--claude'], { BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /^Claude Code: hooks installed for 29 events in .*settings\.json \(new file\)\./);
    assert.match(install.stdout, new RegExp(`runs ${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Node ${process.versions.node}\\)`));
    assert.equal(existsSync(join(userHome, '.cursor')), false, '--claude leaves Cursor alone');

    const after = statusJson();
    const claude = after.ides.claude;
    assert.equal(claude.hooks.state, 'all');
    assert.equal(claude.hooks.installed.length, 29);
    assert.deepEqual(claude.shim, {
      path: join(home, 'bin', 'blueplane-claude-hook'),
      exists: true,
      executable: true,
      ours: true,
      version: VERSION,
      runtime: process.execPath,
      runtimeExists: true,
      hookScript: join(home, 'bin', 'claude-hook.js'),
      hookScriptExists: true,
    });
    assert.equal(claude.installedVersion, VERSION);
    assert.equal(claude.upToDate, true);
    assert.deepEqual(claude.problems, []);
    assert.equal(after.ides.cursor.hooks.state, 'none');
    assert.deepEqual(Object.keys(statusJson('--cursor').ides), ['cursor']);

    const table = blueplane(['hooks', 'status', '--claude']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^our entries +all 29 events$/m);
    assert.match(table.stdout, new RegExp(`^hook version +${VERSION.replaceAll('.', '\\.')} \\(current\\)$`, 'm'));
    assert.match(table.stdout, /note: WorktreeCreate and WorktreeRemove are not registered/);

    const shim = readFileSync(join(home, 'bin', 'blueplane-claude-hook'), 'utf8');
    assert.match(shim, /^\[ -n "\$\{BLUEPLANE_REDIS_URL:-\}" \] \|\| BLUEPLANE_REDIS_URL='redis:\/\/127\.0\.0\.1:1'; export BLUEPLANE_REDIS_URL$/m);

    const settingsBefore = readFileSync(settingsFile);
    const again = blueplane(['hooks', 'install', '--claude', '--json'], { BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout);
    assert.equal(result.action, 'install');
    assert.deepEqual(result.ides.claude.configFile, { path: settingsFile, changed: false, created: false });
    assert.deepEqual(readFileSync(settingsFile), settingsBefore);

    const uninstall = blueplane(['hooks', 'uninstall', '--claude']);
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.match(uninstall.stdout, /Claude Code: hooks removed from .*settings\.json\./);
    assert.equal(readFileSync(settingsFile, 'utf8'), '{}\n');
    const gone = statusJson('--claude').ides.claude;
    assert.equal(gone.hooks.state, 'none');
    assert.equal(gone.shim.exists, false);
  });

  it('with neither flag, installs only for the IDEs this user has', () => {
    const install = blueplane(['hooks', 'install']);
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /^Claude Code: hooks installed/m);
    assert.doesNotMatch(install.stdout, /Cursor/);
    assert.equal(existsSync(join(userHome, '.cursor')), false, 'no ~/.cursor for a user without Cursor');
  });

  it('with neither flag and neither IDE found: exit 1, saying how to install anyway', () => {
    rmSync(join(userHome, '.claude'), { recursive: true });
    const install = blueplane(['hooks', 'install']);
    assert.equal(install.code, 1);
    assert.match(install.stderr, /found neither Claude Code \(~\/\.claude\) nor Cursor \(~\/\.cursor\).*install --claude/);
    assert.equal(existsSync(home), false);
  });

  it('with neither flag and both IDEs found, installs for both; the shims really run the hooks', () => {
    mkdirSync(join(userHome, '.cursor'));
    const install = blueplane(['hooks', 'install'], { BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:1' });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /^Claude Code: hooks installed/m);
    assert.match(install.stdout, /^Cursor: hooks installed for 14 events/m);
    const status = statusJson();
    assert.equal(status.ides.claude.hooks.state, 'all');
    assert.equal(status.ides.cursor.hooks.state, 'all');
    const run = spawnSync(join(home, 'bin', 'blueplane-claude-hook'), ['SessionStart'], {
      input: JSON.stringify({ session_id: 'cli', hook_event_name: 'SessionStart', source: 'startup', cwd: root }),
      env: cleanEnv({ HOME: userHome, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' }),
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    const spool = join(home, 'spool');
    assert.equal(readdirSync(spool).flatMap((name) => readFileSync(join(spool, name), 'utf8').split('\n').filter(Boolean)).length, 1);
  });

  it('a settings file that is not JSON: exit 1, message names the file and the fix, file unchanged', () => {
    writeFileSync(settingsFile, '{"hooks": {},,}');
    const run = blueplane(['hooks', 'install']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^blueplane: ${settingsFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON`));
    assert.match(run.stderr, /fix the file \(or move it away\) and run the command again\. Nothing was changed\./);
    assert.equal(readFileSync(settingsFile, 'utf8'), '{"hooks": {},,}');
    assert.equal(existsSync(home), false);
    assert.equal(existsSync(join(userHome, '.cursor')), false, 'the other IDE was not touched either');
    const status = statusJson('--claude');
    assert.match(status.ides.claude.problems[0], /is not valid JSON/);
  });

  it('--node: a missing path is a clear error (exit 1); a valid Node is written into the shim', () => {
    const missing = blueplane(['hooks', 'install', '--claude', '--node', join(root, 'no-node')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Cannot use --node .*no-node as the hook runtime: no such file\. Pass the absolute path of a Node\.js >= 18 executable with `--node <path>`/);
    assert.equal(existsSync(home), false);

    // Another Node than the one running the CLI: the system's own if there is one, else a link.
    let other = systemNode();
    if (other === undefined) {
      other = join(root, 'node-link');
      symlinkSync(process.execPath, other);
    }
    const install = blueplane(['hooks', 'install', '--claude', '--node', other]);
    assert.equal(install.code, 0, install.stderr);
    const shim = readFileSync(join(home, 'bin', 'blueplane-claude-hook'), 'utf8');
    assert.match(shim, new RegExp(`^exec '${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' '${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/bin/claude-hook\\.js' "\\$@"$`, 'm'));
    assert.equal(statusJson('--claude').ides.claude.shim.runtime, other);
    const run = spawnSync(join(home, 'bin', 'blueplane-claude-hook'), ['Stop'], {
      input: JSON.stringify({ session_id: 'n', hook_event_name: 'Stop', stop_hook_active: false, cwd: root }),
      env: cleanEnv({ HOME: userHome, BLUEPLANE_REDIS_URL: 'redis://127.0.0.1:1' }),
      encoding: 'utf8',
      timeout: 15_000,
    });
    assert.equal(run.status, 0, run.stderr);
  });
});
