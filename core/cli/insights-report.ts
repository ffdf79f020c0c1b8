// Insights as a terminal list (`blueplane insights`): severity, title, what the finding is about
// (a session, a project, a platform, everything), when it was seen, and the numbers behind it.
import type { Evidence } from '../insights/finding.ts';
import type { InsightAnswer } from '../query/insights-query.ts';
import { formatTime } from './terminal-format.ts';
import { shortSessionId } from './sessions-report.ts';

/** "session 7f3c2a10 (claude_code)", "project 3f9a…", "platform cursor", "all sessions". */
export function describeScope(insight: Pick<InsightAnswer, 'scope' | 'scope_key'>): string {
  switch (insight.scope) {
    case 'session': {
      const colon = insight.scope_key.indexOf(':');
      return colon < 0 ? `session ${shortSessionId(insight.scope_key)}` : `session ${shortSessionId(insight.scope_key.slice(colon + 1))} (${insight.scope_key.slice(0, colon)})`;
    }
    case 'project':
      return `project ${insight.scope_key.slice(0, 12)}`;
    case 'platform':
      return `platform ${insight.scope_key}`;
    case 'all':
      return 'all sessions';
  }
}

function evidenceNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}

/** "failure_rate 0.45, baseline 0.1, calls 20": every number, in the order the rule gave them. */
export function formatEvidence(evidence: Evidence): string {
  return Object.entries(evidence)
    .map(([name, value]) => `${name} ${evidenceNumber(value)}`)
    .join(', ');
}

export function formatInsights(answer: { total: number; offset: number; insights: InsightAnswer[] }, includeResolved: boolean, nextPage: string | undefined): string {
  const which = includeResolved ? 'open and resolved' : 'open';
  if (answer.insights.length === 0) {
    return answer.total === 0
      ? `No ${which} insights match. The daemon's rules look at the last 24 h every 10 s while it runs${includeResolved ? '' : '; --all includes resolved ones'}.\n`
      : `No insights on this page: ${answer.total} match.\n`;
  }
  const lines = [`Insights ${answer.offset + 1}-${answer.offset + answer.insights.length} of ${answer.total} (${which}), latest first`, ''];
  const width = Math.max(...answer.insights.map((insight) => insight.severity.length)) + 2;
  for (const insight of answer.insights) {
    const indent = ' '.repeat(width + 3);
    const subject = insight.subject ? `, ${insight.subject}` : '';
    const seen = insight.first_detected_at === insight.last_detected_at ? `seen ${formatTime(insight.last_detected_at)}` : `seen ${formatTime(insight.first_detected_at)} to ${formatTime(insight.last_detected_at)}`;
    lines.push(`  ${`[${insight.severity}]`.padEnd(width)} ${insight.title}`);
    lines.push(`${indent}${describeScope(insight)}${subject} · ${insight.type}/${insight.rule} · ${seen}${insight.resolved_at ? ` · resolved ${formatTime(insight.resolved_at)}` : ''}`);
    const evidence = formatEvidence(insight.evidence);
    if (evidence) lines.push(`${indent}evidence: ${evidence}`);
  }
  if (nextPage !== undefined) lines.push('', `Next page: \`${nextPage}\``);
  return `${lines.join('\n')}\n`;
}
