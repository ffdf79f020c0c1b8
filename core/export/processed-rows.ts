// What an export reads: the processed tables only (conversations, conversation_turns,
// code_changes, session_metrics, insights), through ProcessedDatabase, which refuses any other
// table. Sessions are chosen by their activity time (last event, else first) in the range; their
// turns and changes follow them. Everything is read row by row (statement iterators), and while
// the outer iterator is open every other read of the export runs in its read transaction, so a
// whole export sees one snapshot of the database even as the daemon goes on writing.
import type { ProcessedDatabase } from '../query/processed-database.ts';
import type { CodeChangeRow, ConversationRow, TurnRow } from '../conversations/conversation-rows.ts';
import type { ExportRange } from './export-range.ts';

export interface InsightRow {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  scope: string;
  scope_key: string;
  title: string;
  /** JSON of numbers (rates, counts, baselines). */
  evidence: string;
  source: string;
  first_detected_at: string;
  last_detected_at: string;
  resolved_at: string | null;
}

/** One session with everything processed about it. metrics is session_metrics' JSON, null when not written yet. */
export interface SessionBundle {
  conversation: ConversationRow;
  metrics: Record<string, unknown> | null;
  turns: TurnRow[];
  changes: CodeChangeRow[];
}

const ACTIVITY = 'coalesce(c.updated_at, c.created_at)';

function rangeWhere(range: ExportRange, activity: string): string {
  const clauses = ['1 = 1'];
  if (range.since !== null) clauses.push(`${activity} >= @since`);
  if (range.until !== null) clauses.push(`${activity} < @until`);
  return clauses.join(' AND ');
}

/** Statement arguments: the named bounds, or none at all (better-sqlite3 refuses an object a statement has no names for). */
function rangeParams(range: ExportRange): [Record<string, string>] | [] {
  const params: Record<string, string> = {};
  if (range.since !== null) params.since = range.since;
  if (range.until !== null) params.until = range.until;
  return Object.keys(params).length === 0 ? [] : [params];
}

type StoredChange = Omit<CodeChangeRow, 'accepted' | 'reverted'> & { accepted: number | null; reverted: number | null };

function change(row: StoredChange): CodeChangeRow {
  return { ...row, accepted: row.accepted === null ? null : row.accepted !== 0, reverted: row.reverted === null ? null : row.reverted !== 0 };
}

export class ProcessedRows {
  private readonly db: ProcessedDatabase;
  private readonly range: ExportRange;
  private readonly where: string;
  private readonly params: [Record<string, string>] | [];

  constructor(db: ProcessedDatabase, range: ExportRange) {
    this.db = db;
    this.range = range;
    this.where = rangeWhere(range, ACTIVITY);
    this.params = rangeParams(range);
  }

  /** Rows each table would export, counted in one snapshot (for the progress bar and the summary). */
  counts(): { sessions: number; turns: number; changes: number; insights: number } {
    return this.db.snapshot(() => {
      const count = (sql: string, params = this.params) => (this.db.prepare(sql).get(...params) as { n: number }).n;
      return {
        sessions: count(`SELECT count(*) AS n FROM conversations c WHERE ${this.where}`),
        turns: count(`SELECT count(*) AS n FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id WHERE ${this.where}`),
        changes: count(`SELECT count(*) AS n FROM code_changes x JOIN conversations c ON c.id = x.conversation_id WHERE ${this.where}`),
        insights: count(`SELECT count(*) AS n FROM insights i WHERE ${this.insightWhere()}`, rangeParams(this.range)),
      };
    });
  }

  /** Sessions by activity time, each with its metrics, turns and changes. */
  *sessions(): Generator<SessionBundle> {
    const turns = this.db.prepare<TurnRow>('SELECT * FROM conversation_turns t WHERE t.conversation_id = ? ORDER BY t.turn_number');
    const changes = this.db.prepare<StoredChange>('SELECT * FROM code_changes x WHERE x.conversation_id = ? ORDER BY x.created_at, x.id');
    const rows = this.db.prepare<ConversationRow & { metrics_json: string | null }>(
      `SELECT c.*, s.metrics AS metrics_json FROM conversations c LEFT JOIN session_metrics s ON s.conversation_id = c.id
       WHERE ${this.where} ORDER BY ${ACTIVITY}, c.id`,
    );
    for (const { metrics_json: metrics, ...conversation } of rows.iterate(...this.params)) {
      yield {
        conversation,
        metrics: metrics === null ? null : (JSON.parse(metrics) as Record<string, unknown>),
        turns: turns.all(conversation.id),
        changes: changes.all(conversation.id).map(change),
      };
    }
  }

  /** The sessions' rows alone (the sessions table of a tabular export): conversation and metrics. */
  *conversations(): Generator<Pick<SessionBundle, 'conversation' | 'metrics'>> {
    const rows = this.db.prepare<ConversationRow & { metrics_json: string | null }>(
      `SELECT c.*, s.metrics AS metrics_json FROM conversations c LEFT JOIN session_metrics s ON s.conversation_id = c.id
       WHERE ${this.where} ORDER BY ${ACTIVITY}, c.id`,
    );
    for (const { metrics_json: metrics, ...conversation } of rows.iterate(...this.params)) {
      yield { conversation, metrics: metrics === null ? null : (JSON.parse(metrics) as Record<string, unknown>) };
    }
  }

  *turns(): Generator<TurnRow> {
    yield* this.db
      .prepare<TurnRow>(`SELECT t.* FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id WHERE ${this.where} ORDER BY ${ACTIVITY}, c.id, t.turn_number`)
      .iterate(...this.params);
  }

  *changes(): Generator<CodeChangeRow> {
    const rows = this.db.prepare<StoredChange>(`SELECT x.* FROM code_changes x JOIN conversations c ON c.id = x.conversation_id WHERE ${this.where} ORDER BY ${ACTIVITY}, c.id, x.created_at, x.id`);
    for (const row of rows.iterate(...this.params)) yield change(row);
  }

  /** Insights that held at some time in the range (first detected before its end, last detected after its start). */
  *insights(): Generator<InsightRow> {
    yield* this.db.prepare<InsightRow>(`SELECT * FROM insights i WHERE ${this.insightWhere()} ORDER BY i.first_detected_at, i.id`).iterate(...rangeParams(this.range));
  }

  private insightWhere(): string {
    const clauses = ['1 = 1'];
    if (this.range.since !== null) clauses.push('i.last_detected_at >= @since');
    if (this.range.until !== null) clauses.push('i.first_detected_at < @until');
    return clauses.join(' AND ');
  }
}
