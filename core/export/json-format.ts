// The JSON export: one document, {exported_at, range, anonymized, sessions: [...], insights: [...]},
// each session its conversation row with the whole session_metrics JSON, its turns and its code
// changes. Written session by session; the insights are read in the same snapshot as the sessions
// (while the sessions' statement is open) and written after them.
import type { ConversationRow } from '../conversations/conversation-rows.ts';
import type { IdMapper } from './anonymizer.ts';
import type { ExportRange } from './export-range.ts';
import { CHANGE_COLUMNS, INSIGHT_COLUMNS, TURN_COLUMNS, type Column } from './export-tables.ts';
import type { OutputSink } from './output-sink.ts';
import type { InsightRow, ProcessedRows, SessionBundle } from './processed-rows.ts';

const CONVERSATION_IDS: ReadonlySet<keyof ConversationRow> = new Set(['id', 'session_id', 'project_hash', 'workspace_hash']);
/** Keys of the metrics JSON that hold identifiers (session_id, project_hash, workspace_hash, and any *_id or *_hash nested). */
const IDENTIFIER_KEY = /(?:^|_)(?:id|hash)$/;

function fromColumns<Row>(columns: readonly Column<Row>[], row: Row, ids: IdMapper): Record<string, unknown> {
  return Object.fromEntries(columns.map((column) => [column.name, column.value(row, ids)]));
}

export function conversationObject(conversation: ConversationRow, ids: IdMapper): Record<string, unknown> {
  return Object.fromEntries(Object.entries(conversation).map(([key, value]) => [key, CONVERSATION_IDS.has(key as keyof ConversationRow) && typeof value === 'string' ? ids.id(value) : value]));
}

export function metricsObject(value: unknown, ids: IdMapper, key = ''): unknown {
  if (typeof value === 'string') return ids.anonymized && IDENTIFIER_KEY.test(key) ? ids.id(value) : value;
  if (Array.isArray(value)) return value.map((item) => metricsObject(item, ids, key));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, metricsObject(inner, ids, name)]));
}

export function sessionObject(bundle: SessionBundle, ids: IdMapper): Record<string, unknown> {
  return {
    ...conversationObject(bundle.conversation, ids),
    metrics: bundle.metrics === null ? null : metricsObject(bundle.metrics, ids),
    turns: bundle.turns.map((turn) => fromColumns(TURN_COLUMNS, turn, ids)),
    changes: bundle.changes.map((change) => fromColumns(CHANGE_COLUMNS, change, ids)),
  };
}

export function insightObject(insight: InsightRow, ids: IdMapper): Record<string, unknown> {
  return { ...fromColumns(INSIGHT_COLUMNS, insight, ids), evidence: JSON.parse(insight.evidence) as unknown };
}

export interface JsonCounts {
  sessions: number;
  turns: number;
  changes: number;
  insights: number;
}

export async function writeJsonDocument(rows: ProcessedRows, range: ExportRange, ids: IdMapper, sink: OutputSink, onRow: () => void, now: Date = new Date()): Promise<JsonCounts> {
  const counts: JsonCounts = { sessions: 0, turns: 0, changes: 0, insights: 0 };
  const head = JSON.stringify({ exported_at: now.toISOString(), range, anonymized: ids.anonymized });
  await sink.write(`${head.slice(0, -1)},"sessions":[`);
  const sessions = rows.sessions();
  let next = sessions.next();
  // The first step opened the sessions' read transaction: the insights come from the same snapshot.
  const insights = [...rows.insights()];
  for (; !next.done; next = sessions.next()) {
    const bundle = next.value;
    await sink.write(`${counts.sessions === 0 ? '\n' : ',\n'}${JSON.stringify(sessionObject(bundle, ids))}`);
    counts.sessions++;
    counts.turns += bundle.turns.length;
    counts.changes += bundle.changes.length;
    onRow();
  }
  await sink.write('\n],"insights":[');
  for (const insight of insights) {
    await sink.write(`${counts.insights === 0 ? '\n' : ',\n'}${JSON.stringify(insightObject(insight, ids))}`);
    counts.insights++;
    onRow();
  }
  await sink.write('\n]}\n');
  return counts;
}
