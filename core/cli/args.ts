// A strict, tiny flag parser: `--flag`, `--option value`, `--option=value`, `--` ends flags.
// Anything unknown is a UsageError that says which help to read (node:util parseArgs would do the
// parsing, but its messages do not tell the user what to run next).
import { UsageError } from './context.ts';

export interface FlagSpec {
  /** Flags without a value, by name without the leading dashes. */
  booleans: readonly string[];
  /** Options that take a value. */
  strings: readonly string[];
  /** `-h` style aliases: short letter → long name. */
  aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  positionals: string[];
  booleans: Set<string>;
  strings: Map<string, string>;
}

/** `commandLine` (e.g. "blueplane hooks") names the help to point at in error messages. */
export function parseArgs(args: readonly string[], spec: FlagSpec, commandLine: string): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], booleans: new Set(), strings: new Map() };
  const seeHelp = `run \`${commandLine} --help\``;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const written = equals < 0 ? arg : arg.slice(0, equals);
    const name = written.startsWith('--') ? written.slice(2) : spec.aliases?.[written.slice(1)];
    if (name !== undefined && spec.booleans.includes(name)) {
      if (equals >= 0) throw new UsageError(`option '${written}' takes no value; ${seeHelp}`);
      parsed.booleans.add(name);
    } else if (name !== undefined && spec.strings.includes(name)) {
      const value = equals >= 0 ? arg.slice(equals + 1) : args[++index];
      if (value === undefined || (equals < 0 && value.startsWith('--'))) throw new UsageError(`option '${written}' needs a value; ${seeHelp}`);
      if (parsed.strings.has(name)) throw new UsageError(`option '${written}' given twice; ${seeHelp}`);
      parsed.strings.set(name, value);
    } else {
      throw new UsageError(`unknown option '${written}' for \`${commandLine}\`; ${seeHelp}`);
    }
  }
  return parsed;
}
