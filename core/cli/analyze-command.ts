// `blueplane analyze <session> [--json]`: one session's metrics as the conversations worker stored
// them (session_metrics, Layer 3's processed data; no Redis needed). <session> is our session
// UUID or the IDE's session id, or a prefix of either.
import { SessionsQuery } from '../query/sessions-query.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliContext } from './context.ts';
import { withProcessedDatabase } from './processed-data.ts';
import { formatSessionReport } from './session-report.ts';

export const help = `Usage: blueplane analyze <session> [--json]

Prints one session's metrics: prompts, tool calls per tool with failures and latency percentiles,
error and interruption rates, acceptance rate with time to accept and reject, lines changed,
tokens per model and the estimated cost, as the daemon stored them with the session's
conversation (works without Redis). <session> is Blueplane's session UUID or the IDE's session id
(Claude Code session id, Cursor conversation id), or the start of either; \`blueplane sessions\`
lists them.

Options:
  --json      print the metrics as one JSON object
  -h, --help  show this help

Exit codes: 0 printed, 1 no such session, its metrics not stored yet or no database, 2 bad command line.
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
  const json = parsed.booleans.has('json');
  return withProcessedDatabase(context, COMMAND_LINE, (db) => {
    const sessions = new SessionsQuery(db);
    const match = sessions.find(wanted.trim());
    if (match.kind !== 'found') {
      context.stderr(
        match.kind === 'none'
          ? `${COMMAND_LINE}: no session matches '${wanted}'; \`blueplane sessions\` lists them, \`blueplane status\` shows whether events are being stored\n`
          : `${COMMAND_LINE}: '${wanted}' matches ${match.ids.length} sessions (${match.ids.join(', ')}); give more of the id\n`,
      );
      return EXIT_FAILURE;
    }
    const { session } = match;
    const metrics = sessions.metrics(session.id);
    if (!metrics) {
      context.stderr(`${COMMAND_LINE}: the metrics of session ${session.id} are not stored yet; the daemon stores them as it processes the events (\`blueplane status\` shows its backlog)\n`);
      return EXIT_FAILURE;
    }
    context.stdout(json ? `${JSON.stringify({ session_uuid: session.id, ...metrics }, null, 2)}\n` : formatSessionReport(session, metrics));
    return EXIT_OK;
  });
}
