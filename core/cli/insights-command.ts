// `blueplane insights`: the findings the daemon's rules stored (Layer 3's processed data), open
// ones by default, latest first, filtered by type, session and severity. Reads SQLite only.
import { SEVERITIES } from '../insights/finding.ts';
import { INSIGHT_TYPES, InsightsQuery, type InsightFilter, type InsightType } from '../query/insights-query.ts';
import { SessionsQuery } from '../query/sessions-query.ts';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, type CliContext } from './context.ts';
import { formatInsights } from './insights-report.ts';
import { choiceOption, integerOption, noPositionals, wordOption } from './option-values.ts';
import { withProcessedDatabase } from './processed-data.ts';

const TYPES = Object.keys(INSIGHT_TYPES) as InsightType[];

export const help = `Usage: blueplane insights [--type ${TYPES.join('|')}] [--session ID]
                          [--severity ${SEVERITIES.join('|')}] [--all] [--limit N] [--offset N] [--json]

Lists what the daemon's rules found (every 10 s, over the last 24 h against the 7 days before):
severity, title, what it is about (a session, a project, a platform, all sessions), when it was
seen and the numbers behind it. Open findings only, unless --all. Reads the database only.

Types: ${TYPES.map((type) => `${type} (${INSIGHT_TYPES[type].join(', ')})`).join('; ')}.

Options:
  --type T         one type of finding (above)
  --session ID     findings about one session: its id or Blueplane UUID, or the start of either
  --severity S     ${SEVERITIES.join(', ')}
  --all            include findings that no longer hold (resolved)
  --limit N        findings per page, 1 to 1000 (default 20)
  --offset N       findings to skip
  --json           print {"total", "limit", "offset", "insights": [...]}, each with id, type,
                   rule, subject, severity, scope, scope_key, title, evidence (numbers only),
                   source, first_detected_at, last_detected_at, resolved_at
  -h, --help       show this help

Exit codes: 0 listed (also when nothing matches), 1 no database or no such session, 2 bad command line.
`;

const COMMAND_LINE = 'blueplane insights';

export async function run(args: readonly string[], context: CliContext): Promise<number> {
  const parsed = parseArgs(args, { booleans: ['json', 'all', 'help'], strings: ['type', 'session', 'severity', 'limit', 'offset'], aliases: { h: 'help', n: 'limit' } }, COMMAND_LINE);
  if (parsed.booleans.has('help')) {
    context.stdout(help);
    return EXIT_OK;
  }
  noPositionals(parsed, COMMAND_LINE);
  const filter: InsightFilter = {
    limit: integerOption(parsed, 'limit', 1, 1000, 20, COMMAND_LINE),
    offset: integerOption(parsed, 'offset', 0, Number.MAX_SAFE_INTEGER, 0, COMMAND_LINE),
    includeResolved: parsed.booleans.has('all'),
  };
  const type = choiceOption(parsed, 'type', TYPES, COMMAND_LINE);
  if (type !== undefined) filter.type = type;
  const severity = choiceOption(parsed, 'severity', SEVERITIES, COMMAND_LINE);
  if (severity !== undefined) filter.severity = severity;
  const sessionName = wordOption(parsed, 'session', COMMAND_LINE);
  return withProcessedDatabase(context, COMMAND_LINE, (db) => {
    if (sessionName !== undefined) {
      const match = new SessionsQuery(db).find(sessionName);
      if (match.kind !== 'found') {
        context.stderr(
          match.kind === 'none'
            ? `${COMMAND_LINE}: no session matches '${sessionName}'; \`blueplane sessions\` lists them\n`
            : `${COMMAND_LINE}: '${sessionName}' matches ${match.ids.length} sessions (${match.ids.join(', ')}); give more of the id\n`,
        );
        return EXIT_FAILURE;
      }
      filter.session = match.session;
    }
    const answer = new InsightsQuery(db).list(filter);
    if (parsed.booleans.has('json')) {
      context.stdout(`${JSON.stringify(answer, null, 2)}\n`);
      return EXIT_OK;
    }
    const given = ['type', 'session', 'severity', 'limit'].flatMap((option) => (parsed.strings.has(option) ? [`--${option} ${parsed.strings.get(option)}`] : []));
    const shown = answer.offset + answer.insights.length;
    const next = answer.insights.length > 0 && shown < answer.total ? [COMMAND_LINE, ...given, ...(filter.includeResolved ? ['--all'] : []), `--offset ${filter.offset + filter.limit}`].join(' ') : undefined;
    context.stdout(formatInsights(answer, filter.includeResolved === true, next));
    return EXIT_OK;
  });
}
