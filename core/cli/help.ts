// `blueplane --help`: the command list comes from the registry, so it cannot go stale.
import { PRODUCT_VERSION } from '../version.ts';
import { COMMANDS } from './commands.ts';

export function topLevelHelp(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((name) => name.length));
  const commands = names.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`).join('\n');
  return `Blueplane ${PRODUCT_VERSION}: local, private telemetry for AI-assisted coding.

Usage: blueplane <command> [options]

Commands:
${commands}

Options:
  -h, --help     show this help (\`blueplane <command> --help\` for a command's own)
  -v, --version  print the version

Environment: BLUEPLANE_HOME (data folder, default ~/.blueplane), BLUEPLANE_REDIS_URL, BLUEPLANE_REDIS_PREFIX.
`;
}
