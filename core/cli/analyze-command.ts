// `blueplane analyze <session> [--json]`: one session's metrics, computed from the stored events
// (a first version; the API issue serves the same through the daemon). <session> is our session
// UUID or the IDE's session id, or a prefix of either.
import { loadConfig } from '../config.ts';
import { computeSessionMetrics } from '../metrics/session-metrics.ts';
import { publicView } from '../metrics/public-view.ts';
import { priceLookup } from '../slow-path/metrics-rebuild.ts';
import { SessionSource } from '../slow-path/session-source.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { NoDatabaseError, openDatabaseReadOnly } from '../storage/read-only-database.ts';
import { formatSessionReport } from './session-report.ts';

export const help = `Usage: blueplane analyze <session> [--json]

Prints one session's metrics: prompts, tool calls per tool with failures and latency percentiles,
error and interruption rates, acceptance rate with time to accept and reject, lines changed,
tokens per model and the estimated cost. <session> is Blueplane's session UUID or the IDE's
session id (Claude Code session id, Cursor conversation id), or the start of either.

Options:
  --json      print the metrics as one JSON object
  -h, --help  show this help

Exit codes: 0 printed, 1 no such session or no database, 2 bad command line.
`;

const COMMAND_LINE = 'blueplane analyze';

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'help'], strings: [], aliases: { h: 'help' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  const [wanted, extra] = parsed.positionals;
  if (wanted === undefined || wanted.trim() === '') throw new UsageError(`name the session to analyze; run \`${COMMAND_LINE} --help\``);
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; run \`${COMMAND_LINE} --help\``);
  const config = loadConfig(context.env);
  let db;
  try {
    db = openDatabaseReadOnly(config.home);
  } catch (error) {
    if (!(error instanceof NoDatabaseError)) throw error;
    context.stderr(`blueplane analyze: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  try {
    const source = new SessionSource(db);
    const matches = source.matching(wanted.trim());
    if (matches.length !== 1) {
      context.stderr(
        matches.length === 0
          ? `blueplane analyze: no session matches '${wanted}'; \`blueplane status\` shows whether events are being stored\n`
          : `blueplane analyze: '${wanted}' matches ${matches.length} sessions (${matches.map((ref) => ref.uuid).join(', ')}); give more of the id\n`,
      );
      return EXIT_FAILURE;
    }
    const ref = matches[0]!;
    const metrics = computeSessionMetrics(source.events(ref.platform, ref.sessionId), { priceOf: priceLookup(config.home) });
    context.stdout(parsed.booleans.has('json') ? `${JSON.stringify({ session_uuid: ref.uuid, ...publicView(metrics) }, null, 2)}\n` : formatSessionReport(ref, metrics));
    return EXIT_OK;
  } finally {
    db.close();
  }
}
