// A page of sessions as a terminal table (`blueplane sessions`): one line per conversation row
// with its stored totals, then where the page sits in the total and how to see the next one.
// A total the platform could not supply reads "n/a", explained under the table, never 0.
import type { SessionPage } from '../query/sessions-query.ts';
import { formatCount, formatPercent, formatTime, formatUsd, table } from './terminal-format.ts';

/** How a session is shown: the start of the IDE's own id (random for both IDEs, unlike our time-ordered UUIDs). */
export function shortSessionId(sessionId: string): string {
  return sessionId.slice(0, 8);
}

/**
 * `nextPage` is the command line that shows the following page (the caller knows the filters);
 * undefined when this is the last page.
 */
export function formatSessionsPage(page: SessionPage, nextPage: string | undefined): string {
  if (page.sessions.length === 0) {
    return page.total === 0
      ? 'No sessions match. `blueplane status` shows whether events are being stored; without filters every session is listed.\n'
      : `No sessions on this page: ${page.total} match, the last at offset ${page.total - 1}.\n`;
  }
  const rows: string[][] = [['session', 'platform', 'started (UTC)', 'last activity', 'prompts', 'tools', 'errors', 'acceptance', 'lines', 'tokens', 'cost']];
  let unavailable = false;
  const orNa = (value: number | null, format: (value: number) => string): string => {
    if (value !== null) return format(value);
    unavailable = true;
    return 'n/a';
  };
  for (const session of page.sessions) {
    rows.push([
      shortSessionId(session.session_id),
      session.platform,
      formatTime(session.created_at),
      formatTime(session.updated_at),
      formatCount(session.interaction_count),
      formatCount(session.tool_call_count),
      formatCount(session.tool_error_count),
      orNa(session.acceptance_rate, formatPercent),
      `+${formatCount(session.total_lines_added)} -${formatCount(session.total_lines_removed)}`,
      orNa(session.total_tokens, formatCount),
      orNa(session.cost_usd, formatUsd),
    ]);
  }
  const first = page.offset + 1;
  const last = page.offset + page.sessions.length;
  const lines = [`Sessions ${first}-${last} of ${page.total}, latest activity first`, ...table(rows, ['left', 'left', 'left', 'left'])];
  if (unavailable) {
    lines.push('', 'n/a: acceptance needs a decided edit proposal (Claude Code only; Cursor shows none); tokens need token data and cost a known price.');
  }
  lines.push('', nextPage === undefined ? 'Last page. `blueplane analyze <session>` shows one session.' : `Next page: \`${nextPage}\`. \`blueplane analyze <session>\` shows one session.`);
  return `${lines.join('\n')}\n`;
}
