// The MCP server's tools: read-only questions an assistant can ask about the user's own telemetry,
// each answered from Layer 3 (core/query) and nothing else, so an answer holds only what the query
// layer returns: counts, rates, durations, tool names, file extensions, hashes and ids, never
// code, paths or prompts. Every answer is one JSON object, as structured content and as text.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { PERIODS, type Period } from '../metrics/aggregate-metrics.ts';
import { errorPatterns } from '../query/error-analysis.ts';
import { INSIGHT_TYPES, type InsightType } from '../query/insights-query.ts';
import type { SessionsQuery } from '../query/sessions-query.ts';
import type { ConversationRow } from '../conversations/conversation-rows.ts';
import { ToolError, type TelemetryAccess } from './telemetry-access.ts';

export const TOOL_NAMES = ['current_metrics', 'session_metrics', 'acceptance_analysis', 'error_patterns', 'recent_sessions', 'insights'] as const;

const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const PERIOD_NAMES = Object.keys(PERIODS) as [Period, ...Period[]];
const platform = z.enum(['claude_code', 'cursor']).describe('Only sessions of this IDE: claude_code (Claude Code) or cursor (Cursor).');
const sessionName = z
  .string()
  .trim()
  .min(4, 'give at least the first 4 characters of the session id')
  .max(200)
  .describe("The session: Blueplane's session UUID or the IDE's session id (Claude Code session id, Cursor conversation id), or the start of either (from recent_sessions).");

function answer(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/** The session a name picks, or a ToolError listing what it could mean. */
function findSession(sessions: SessionsQuery, name: string): ConversationRow {
  const match = sessions.find(name);
  if (match.kind === 'found') return match.session;
  if (match.kind === 'none') {
    throw new ToolError(`No session matches '${name}'. recent_sessions lists the sessions Blueplane has stored (newest first), with their ids.`);
  }
  const candidates = match.ids.map((id) => {
    const found = sessions.find(id);
    return found.kind === 'found' ? `${id} (${found.session.platform} session ${found.session.session_id}, last active ${found.session.updated_at})` : id;
  });
  throw new ToolError(`'${name}' matches ${match.ids.length === 10 ? 'at least 10' : match.ids.length} sessions; give more of the id. Candidates: ${candidates.join('; ')}`);
}

function sinceFor(period: Period | 'all', now: number): string | undefined {
  return period === 'all' ? undefined : new Date(now - PERIODS[period]).toISOString();
}

export function registerTools(server: McpServer, access: TelemetryAccess): void {
  server.registerTool(
    'current_metrics',
    {
      title: 'Current session metrics',
      description:
        "Live numbers of the user's most recently active Claude Code or Cursor session, as the Blueplane daemon keeps them in Redis: tool calls, tool errors, acceptance rate of proposed edits, applied edits, tokens, estimated cost and active time. Use it for questions about the session going on now (\"how is this session going\", \"how much has this cost so far\"). For a session's full metrics use session_metrics.",
      inputSchema: z.strictObject({}),
      annotations: READ_ONLY,
    },
    async () =>
      access.live(async (metrics) => {
        const current = await metrics.current();
        return answer(current ? { session: current } : { session: null, note: 'no session has been seen yet: the live numbers appear with the first hook event of a session' });
      }),
  );

  server.registerTool(
    'session_metrics',
    {
      title: 'Session metrics',
      description:
        'Every stored metric of one session: prompts, tool calls per tool with failures, interruptions and latency percentiles, error and interruption rates, acceptance of proposed edits with time to accept or reject, lines added and removed, tokens per model and estimated cost, plus the session row (platform, hashed project, start, last activity, end). Use it to analyze or compare a specific session; name it by id or id prefix (recent_sessions gives them).',
      inputSchema: z.strictObject({ session: sessionName }),
      annotations: READ_ONLY,
    },
    async ({ session }) => {
      const { sessions } = access.processed();
      const row = findSession(sessions, session);
      const metrics = sessions.metrics(row.id);
      return answer(metrics ? { session: row, metrics } : { session: row, metrics: null, note: 'the metrics of this session are not stored yet: the daemon stores them shortly after its events arrive' });
    },
  );

  server.registerTool(
    'acceptance_analysis',
    {
      title: 'Acceptance by file type',
      description:
        "What happened to the assistant's proposed code changes, per file extension: changes, accepted, accepted and not reverted, rejected, failed, pending, applied (Cursor edits), reverted, accepted lines, acceptance rate, and time to accept or reject. Use it for questions like \"which kinds of files do I reject edits in most\" or \"how often do I keep TypeScript edits\".",
      inputSchema: z.strictObject({
        file_type: z
          .string()
          .trim()
          .regex(/^(?:\.?[A-Za-z0-9_+-]{1,32}|\(none\))$/, 'a file extension like ts or .ts, or (none) for files without one')
          .optional()
          .describe('Only this file extension (ts or .ts; (none) for files without an extension); all file types when left out.'),
        period: z.enum([...PERIOD_NAMES, 'all']).default('all').describe('Changes made in the last 1h, 24h, 7d or 30d, or all stored changes (the default).'),
        platform: platform.optional(),
      }),
      annotations: READ_ONLY,
    },
    async ({ file_type, period, platform: onlyPlatform }) => {
      const { acceptance } = access.processed();
      const since = sinceFor(period, Date.now());
      const analysis = acceptance.analyze({ ...(file_type !== undefined ? { fileType: file_type } : {}), ...(since ? { since } : {}), ...(onlyPlatform ? { platform: onlyPlatform } : {}) });
      return answer({ period, platform: onlyPlatform ?? 'all', ...analysis });
    },
  );

  server.registerTool(
    'error_patterns',
    {
      title: 'Error patterns',
      description:
        'Which tools fail, how often and how, over a recent period, across every session active in it (or one IDE): executions, errors, tool error and interruption rates, tools by failures (calls, executions, failed, interrupted, denied, failure rate), error classes and hook errors. Use it for questions like "which tools keep failing this week". Read from the live metrics in Redis.',
      inputSchema: z.strictObject({
        period: z.enum(PERIOD_NAMES).default('24h').describe('The last 1h, 24h (the default), 7d or 30d.'),
        min_frequency: z.number().int().min(1).max(1_000_000).default(1).describe('Only tools and error classes seen failing at least this many times (default 1).'),
        platform: platform.optional(),
      }),
      annotations: READ_ONLY,
    },
    async ({ period, min_frequency, platform: onlyPlatform }) =>
      access.live(async (metrics) => answer({ ...(await errorPatterns(metrics, period, onlyPlatform ? `platform:${onlyPlatform}` : 'all', min_frequency)) })),
  );

  server.registerTool(
    'recent_sessions',
    {
      title: 'Recent sessions',
      description:
        "The user's Claude Code and Cursor sessions, most recently active first, with their ids and summary numbers (prompts, turns, tool calls, tool errors, acceptance rate, lines added and removed, tokens, cost) and the total matching. Use it to find a session to look at with session_metrics, or for an overview of recent work.",
      inputSchema: z.strictObject({
        limit: z.number().int().min(1).max(100).default(10).describe('How many sessions, 1 to 100 (default 10).'),
        offset: z.number().int().min(0).default(0).describe('Sessions to skip, for the next page (default 0).'),
        platform: platform.optional(),
        project_hash: z.string().trim().regex(/^[0-9a-f]{8,64}$/i, 'a project hash as other answers give it (hex)').optional().describe("Only sessions of this project (its hash, as in a session's project_hash)."),
      }),
      annotations: READ_ONLY,
    },
    async ({ limit, offset, platform: onlyPlatform, project_hash }) => {
      const { sessions } = access.processed();
      const page = sessions.list({ ...(onlyPlatform ? { platform: onlyPlatform } : {}), ...(project_hash ? { projectHash: project_hash.toLowerCase() } : {}) }, { limit, offset });
      return answer({ ...page });
    },
  );

  server.registerTool(
    'insights',
    {
      title: 'Insights',
      description:
        'Findings Blueplane\'s rules recorded about the user\'s work, newest first, each with its severity, scope (session, project, platform or all), title and evidence: productivity (acceptance falling against the week before, token spikes), errors (a tool failing far above its usual rate, hook errors, many interruptions) and patterns (frequent compactions, slow tools). Use it for "anything I should know about my sessions" or to explain a session\'s problems.',
      inputSchema: z.strictObject({
        type: z.enum(Object.keys(INSIGHT_TYPES) as [InsightType, ...InsightType[]]).optional().describe('Only productivity, errors or patterns findings; all types when left out.'),
        session: sessionName.optional().describe('Only findings about this session (id or id prefix, as for session_metrics).'),
        severity: z.enum(['info', 'warning', 'critical']).optional().describe('Only findings of this severity.'),
        include_resolved: z.boolean().default(false).describe('Also findings whose condition has passed (default false: open findings only).'),
        limit: z.number().int().min(1).max(100).default(20).describe('How many findings, 1 to 100 (default 20).'),
      }),
      annotations: READ_ONLY,
    },
    async ({ type, session, severity, include_resolved, limit }) => {
      const { sessions, insights } = access.processed();
      const about = session === undefined ? undefined : findSession(sessions, session);
      const found = insights.list({
        ...(type ? { type } : {}),
        // Session findings are keyed by platform and IDE session id (insight-input.ts).
        ...(about ? { session: about } : {}),
        ...(severity ? { severity } : {}),
        includeResolved: include_resolved,
        limit,
        offset: 0,
      });
      return answer({ ...(about ? { session: { id: about.id, platform: about.platform, session_id: about.session_id } } : {}), ...found });
    },
  );
}
