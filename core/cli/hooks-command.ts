// `blueplane hooks install|uninstall|status [--claude] [--cursor] [--json] [--node <path>]`.
// Neither --claude nor --cursor means the IDEs this user has (install) or both (uninstall, status). Problems with a file or the runtime exit 1 with
// the message the installer wrote (it names the file and the fix); nothing half-done is left.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolveHome } from '../config.ts';
import { resolveHookRuntime } from '../hooks-install/hook-runtime.ts';
import { HooksInstallError } from '../hooks-install/hooks-install-error.ts';
import { IDE_TARGETS, IDES, type Ide } from '../hooks-install/ide-targets.ts';
import { installHooks, uninstallHooks } from '../hooks-install/installer.ts';
import { hooksStatus } from '../hooks-install/status.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { formatInstallReport, formatStatusTable, formatUninstallReport } from './hooks-report.ts';

export const help = `Usage: blueplane hooks <install|uninstall|status> [--claude] [--cursor] [--json] [--node <path>]

  install    copy the hooks to $BLUEPLANE_HOME/bin and add them to ~/.claude/settings.json
             and ~/.cursor/hooks.json (merged with your own hooks, a backup kept next to each file)
  uninstall  remove exactly what install added, and the hook files in $BLUEPLANE_HOME/bin
  status     show what is installed, for which events, and whether it is up to date

Options:
  --claude        only Claude Code    (neither --claude nor --cursor: the IDEs found in your
                                      home folder for install, both for uninstall and status)
  --cursor        only Cursor
  --json          print the result as one JSON object
  --node <path>   install only: the Node.js (>= 18) that runs the hooks; default: the Node
                  running this command, or the first \`node\` on PATH
  -h, --help      show this help

Exit codes: 0 done, 1 a file or the runtime needs fixing (the message says how), 2 bad command line.
`;

const SUBCOMMANDS = ['install', 'uninstall', 'status'] as const;

/** Without --claude/--cursor, install only for the IDEs this user has run: no ~/.cursor for a Claude-only user. */
function detectedIdes(userHome: string): Ide[] {
  return IDES.filter((ide) => existsSync(IDE_TARGETS[ide].configFolder(userHome)));
}
type Subcommand = (typeof SUBCOMMANDS)[number];

const COMMAND_LINE = 'blueplane hooks';

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['claude', 'cursor', 'json', 'help'], strings: ['node'], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  const [subcommand, ...extra] = parsed.positionals;
  if (subcommand === undefined) throw new UsageError(`missing what to do (${SUBCOMMANDS.join(', ')}); run \`${COMMAND_LINE} --help\``);
  if (!(SUBCOMMANDS as readonly string[]).includes(subcommand)) throw new UsageError(`unknown command 'hooks ${subcommand}'; run \`${COMMAND_LINE} --help\``);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'; run \`${COMMAND_LINE} --help\``);
  const node = parsed.strings.get('node');
  if (node !== undefined && subcommand !== 'install') throw new UsageError(`option '--node' applies only to \`${COMMAND_LINE} install\`; run \`${COMMAND_LINE} --help\``);

  const json = parsed.booleans.has('json');
  const home = resolveHome(context.env);
  const userHome = context.env.HOME?.trim() || homedir();
  const picked = IDES.filter((ide) => parsed.booleans.has(ide));
  const ides: readonly Ide[] = picked.length > 0 ? picked : subcommand === 'install' ? detectedIdes(userHome) : IDES;
  if (ides.length === 0) {
    context.stderr(`blueplane: found neither Claude Code (~/.claude) nor Cursor (~/.cursor) for this user; run \`${COMMAND_LINE} install --claude\` or \`--cursor\` to install anyway\n`);
    return EXIT_FAILURE;
  }
  const print = (value: unknown, text: string): void => context.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : text);

  try {
    switch (subcommand as Subcommand) {
      case 'install': {
        const runtime = resolveHookRuntime({ explicit: node, env: context.env, cwd: context.cwd, execPath: context.execPath, runningElectron: context.runningElectron });
        const results = installHooks({
          ides,
          home,
          userHome,
          hookBundleDir: context.hookBundleDir,
          runtime,
          redisUrl: context.env.BLUEPLANE_REDIS_URL?.trim() || undefined,
          redisPrefix: context.env.BLUEPLANE_REDIS_PREFIX || undefined,
        });
        print({ action: 'install', home, ides: Object.fromEntries(results.map((result) => [result.ide, result])) }, formatInstallReport(results));
        return EXIT_OK;
      }
      case 'uninstall': {
        const results = uninstallHooks({ ides, home, userHome });
        print({ action: 'uninstall', home, ides: Object.fromEntries(results.map((result) => [result.ide, result])) }, formatUninstallReport(results));
        return EXIT_OK;
      }
      case 'status': {
        const status = hooksStatus({ ides, home, userHome });
        print(status, formatStatusTable(status));
        return EXIT_OK;
      }
    }
  } catch (error) {
    if (!(error instanceof HooksInstallError)) throw error;
    context.stderr(`blueplane: ${error.message}\n`);
    return EXIT_FAILURE;
  }
}
