// The dispatcher: global flags, then the command's module, loaded lazily. Errors become exit
// codes here: a UsageError exits 2; anything a command did not handle exits 1 with its message.
import { PRODUCT_VERSION } from '../version.ts';
import { COMMANDS } from './commands.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliContext } from './context.ts';
import { topLevelHelp } from './help.ts';

const SEE_HELP = 'run `blueplane --help`';

function commandEntry(name: string) {
  if (!Object.hasOwn(COMMANDS, name)) throw new UsageError(`unknown command '${name}'; ${SEE_HELP}`);
  return COMMANDS[name]!;
}

async function dispatch(argv: readonly string[], context: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    context.stderr(topLevelHelp());
    return EXIT_USAGE;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    context.stdout(topic === undefined ? topLevelHelp() : (await commandEntry(topic).load()).help);
    return EXIT_OK;
  }
  if (first === '-v' || first === '--version') {
    context.stdout(`${PRODUCT_VERSION}\n`);
    return EXIT_OK;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'; ${SEE_HELP}`);
  const command = await commandEntry(first).load();
  return command.run(rest, context);
}

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    return await dispatch(argv, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`blueplane: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const detail = context.env.BLUEPLANE_DEBUG ? ((error as Error).stack ?? String(error)) : (error as Error).message;
    context.stderr(`blueplane: unexpected error: ${detail}\n`);
    return EXIT_FAILURE;
  }
}
