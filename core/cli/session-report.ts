// One session's metrics as a terminal report (`blueplane analyze`): what was asked, what the
// assistant did, what was kept, what it cost. Unavailable metrics say why instead of showing 0.
import type { ConversationRow } from '../conversations/conversation-rows.ts';
import type { DistributionSummary } from '../metrics/percentile.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import { totalTokens } from '../metrics/token-usage.ts';
import { formatMs, formatPercent as percent, shown, table } from './terminal-format.ts';

const spread = (summary: DistributionSummary): string => `p50 ${formatMs(summary.p50)}, p95 ${formatMs(summary.p95)}, max ${formatMs(summary.max)} (n=${summary.count})`;

export function formatSessionReport(session: Pick<ConversationRow, 'id' | 'platform' | 'session_id'>, metrics: PublicView<SessionMetrics>): string {
  const { acceptance, errors, latency, tokens, code, usage } = metrics;
  const lines = [
    `Session ${session.id} (${session.platform} ${session.session_id})`,
    `  ${metrics.first_event_at ?? '?'} to ${metrics.last_event_at ?? '?'}: ${formatMs(latency.duration_ms)}, active ${formatMs(latency.active_time_ms)}${metrics.ended ? `, ended${metrics.ended_normally ? '' : ' abnormally'}` : ', not ended'}`,
    '',
    `Prompts ${usage.prompts}, tool calls ${usage.tool_calls}, errors ${errors.errors} (${shown(errors.tool_error_rate, percent)}), interruptions ${errors.interruptions} (${shown(errors.interruption_rate, percent)})`,
    `Acceptance ${shown(acceptance.acceptance_rate, percent)}: ${acceptance.proposals} proposed, ${acceptance.accepted} accepted (${acceptance.accepted_not_reverted} kept), ${acceptance.rejected} rejected, ${acceptance.pending} pending`,
    `  time to accept ${shown(acceptance.time_to_accept_ms, spread)}`,
    `  time to reject ${shown(acceptance.time_to_reject_ms, spread)}`,
    `Lines +${code.lines_added} -${code.lines_removed} (net ${code.net_lines}) in ${code.edits} edits, ${code.files_touched} files`,
    `Tokens ${shown(tokens.total, (counts) => `${totalTokens(counts)} (input ${counts.input}, output ${counts.output}, cache read ${counts.cache_read}, cache write ${counts.cache_write})`)}`,
    `Cost ${shown(tokens.cost, (cost) => `$${cost.usd.toFixed(4)} (estimate${cost.unpriced_models.length > 0 ? `; no price for ${cost.unpriced_models.join(', ')}` : ''})`)}`,
    `Response time ${shown(latency.response_time_ms, spread)}`,
    `Productivity score ${metrics.productivity.score}`,
  ];
  const tools = Object.entries(usage.tools).sort(([, a], [, b]) => b.calls - a.calls);
  if (tools.length > 0) {
    lines.push('', 'Tools:');
    const rows: string[][] = [['tool', 'calls', 'failed', 'interrupted', 'success', 'p50', 'p95', 'p99']];
    for (const [name, tool] of tools) {
      const latencyOf = (pick: (summary: DistributionSummary) => number): string => (tool.latency_ms.status === 'ok' ? formatMs(pick(tool.latency_ms.value)) : '-');
      rows.push([name, String(tool.calls), String(tool.failed), String(tool.interrupted), shown(tool.success_rate, percent).replace(/ \(.*/, ''), latencyOf((s) => s.p50), latencyOf((s) => s.p95), latencyOf((s) => s.p99)]);
    }
    lines.push(...table(rows));
  }
  const models = Object.entries(tokens.per_model);
  if (models.length > 0) {
    lines.push('', 'Tokens per model:');
    lines.push(...table([['model', 'input', 'output', 'cache read', 'cache write'], ...models.map(([model, counts]) => [model, String(counts.input), String(counts.output), String(counts.cache_read), String(counts.cache_write)])]));
  }
  return `${lines.join('\n')}\n`;
}
