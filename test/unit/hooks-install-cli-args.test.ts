import assert from 'node:assert/strict';
import { parseArgs } from '../../core/cli/args.ts';
import { UsageError } from '../../core/cli/context.ts';
import { runCli } from '../../core/cli/main.ts';

const SPEC = { booleans: ['claude', 'json', 'help'], strings: ['node'], aliases: { h: 'help' } };

function usageError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof UsageError && pattern.test(error.message));
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {},
    cwd: '/',
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    hookBundleDir: '/nonexistent',
    execPath: process.execPath,
    runningElectron: false,
  });
  return { code, stdout, stderr };
}

describe('hooks-install CLI arguments', () => {
  it('reads flags, options in both spellings, aliases and positionals', () => {
    const parsed = parseArgs(['install', '--claude', '--node=/a b/node', '-h', '--', '--json'], SPEC, 'blueplane hooks');
    assert.deepEqual(parsed.positionals, ['install', '--json']);
    assert.deepEqual([...parsed.booleans], ['claude', 'help']);
    assert.equal(parsed.strings.get('node'), '/a b/node');
    assert.equal(parseArgs(['--node', './node'], SPEC, 'x').strings.get('node'), './node');
  });

  it('refuses what it does not know, pointing at the right help', () => {
    usageError(() => parseArgs(['--cursr'], SPEC, 'blueplane hooks'), /^unknown option '--cursr' for `blueplane hooks`; run `blueplane hooks --help`$/);
    usageError(() => parseArgs(['-x'], SPEC, 'blueplane hooks'), /unknown option '-x'/);
    usageError(() => parseArgs(['--node'], SPEC, 'blueplane hooks'), /'--node' needs a value/);
    usageError(() => parseArgs(['--node', '--json'], SPEC, 'blueplane hooks'), /'--node' needs a value/);
    usageError(() => parseArgs(['--node=a', '--node=b'], SPEC, 'blueplane hooks'), /given twice/);
    usageError(() => parseArgs(['--json=yes'], SPEC, 'blueplane hooks'), /'--json' takes no value/);
  });

  it('dispatches: help and version exit 0, unknown commands and options exit 2 with what to run', async () => {
    assert.deepEqual((await cli(['--version'])).code, 0);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: blueplane <command>/);
    assert.match(help.stdout, /^ {2}hooks +install, remove or check/m);
    assert.match((await cli(['help', 'hooks'])).stdout, /Usage: blueplane hooks <install\|uninstall\|status>/);
    assert.deepEqual(await cli(['frob']), { code: 2, stdout: '', stderr: "blueplane: unknown command 'frob'; run `blueplane --help`\n" });
    assert.deepEqual(await cli(['--frob']), { code: 2, stdout: '', stderr: "blueplane: unknown option '--frob'; run `blueplane --help`\n" });
    assert.equal((await cli(['constructor'])).code, 2, 'only the registry\'s own names are commands');
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: blueplane <command>/);
  });
});
