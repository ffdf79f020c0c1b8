// `blueplane sessions`: the stored sessions (conversation rows, Layer 3's processed data), latest
// activity first, a page at a time, filtered by platform, project, acceptance and activity time.
// Reads SQLite only: it works without Redis and without a running daemon.
import type { Platform } from '../event/envelope.ts';
import { SessionsQuery, type SessionFilter } from '../query/sessions-query.ts';
import { parseArgs } from './args.ts';
import { EXIT_OK, type CliContext } from './context.ts';
import { choiceOption, fractionOption, integerOption, noPositionals, sinceOption, wordOption } from './option-values.ts';
import { withProcessedDatabase } from './processed-data.ts';
import { formatSessionsPage } from './sessions-report.ts';

export const help = `Usage: blueplane sessions [--limit N] [--offset N] [--platform P] [--project HASH]
                          [--min-acceptance 0..1] [--since DATE] [--json]

Lists the sessions Blueplane stored, latest activity first: the start of the IDE's session id,
platform, start and last activity (UTC), prompts, tool calls and errors, acceptance rate, lines
added and removed, tokens and the estimated cost. Reads the database only (no Redis needed).
\`blueplane analyze <session>\` shows one session in full.

Options:
  --limit N             sessions per page, 1 to 1000 (default 20)
  --offset N            sessions to skip (the next page starts at offset + limit)
  --platform P          claude_code or cursor
  --project HASH        one project (its hash, as in --json's project_hash)
  --min-acceptance X    sessions with an acceptance rate of at least X (0.8 = 80 %); sessions
                        without a rate (Cursor, no decided proposal) are left out
  --since DATE          last activity at or after DATE: 2026-12-01, 2026-12-01T09:00Z, or a span
                        back from now: 90m, 24h, 7d
  --json                print the page as JSON: {"total", "limit", "offset", "sessions": [...]},
                        each session a conversation row (id, session_id, platform, project_hash,
                        created_at, updated_at, interaction_count, tool_call_count,
                        tool_error_count, acceptance_rate, total_lines_added,
                        total_lines_removed, total_tokens, cost_usd; null where unavailable)
  -h, --help            show this help

Exit codes: 0 listed (also when nothing matches), 1 no database, 2 bad command line.
`;

const COMMAND_LINE = 'blueplane sessions';
const PLATFORMS: readonly Platform[] = ['claude_code', 'cursor'];
const FILTER_OPTIONS = ['platform', 'project', 'min-acceptance', 'since'] as const;

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'help'], strings: ['limit', 'offset', ...FILTER_OPTIONS], aliases: { h: 'help', n: 'limit' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  noPositionals(parsed, COMMAND_LINE);
  const limit = integerOption(parsed, 'limit', 1, 1000, 20, COMMAND_LINE);
  const offset = integerOption(parsed, 'offset', 0, Number.MAX_SAFE_INTEGER, 0, COMMAND_LINE);
  const filter: SessionFilter = {};
  const platform = choiceOption(parsed, 'platform', PLATFORMS, COMMAND_LINE);
  if (platform !== undefined) filter.platform = platform;
  const project = wordOption(parsed, 'project', COMMAND_LINE);
  if (project !== undefined) filter.projectHash = project;
  const minAcceptance = fractionOption(parsed, 'min-acceptance', COMMAND_LINE);
  if (minAcceptance !== undefined) filter.minAcceptance = minAcceptance;
  const since = sinceOption(parsed, 'since', Date.now(), COMMAND_LINE);
  if (since !== undefined) filter.since = since;
  return withProcessedDatabase(context, COMMAND_LINE, (db) => {
    const page = new SessionsQuery(db).list(filter, { limit, offset });
    if (parsed.booleans.has('json')) {
      context.stdout(`${JSON.stringify(page, null, 2)}\n`);
      return EXIT_OK;
    }
    // The same filters (as given), the next offset, the same limit.
    const filters = FILTER_OPTIONS.flatMap((option) => (parsed.strings.has(option) ? [`--${option} ${parsed.strings.get(option)}`] : []));
    const next = offset + page.sessions.length < page.total && page.sessions.length > 0 ? [COMMAND_LINE, ...filters, ...(parsed.strings.has('limit') ? [`--limit ${limit}`] : []), `--offset ${offset + limit}`].join(' ') : undefined;
    context.stdout(formatSessionsPage(page, next));
    return EXIT_OK;
  });
}
