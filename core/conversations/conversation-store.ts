// Writes and reads the conversation tables (migration 2) over the daemon's one connection
// (TelemetryStore.connection()). Statements are prepared once. A session's rows are always rebuilt
// whole (buildConversation), so writing is replace: delete what the session had, insert the new
// rows, in one synchronous transaction, so replaying a session leaves the same table contents and
// a reader never sees half a session. The deletes name the children themselves rather than lean on
// ON DELETE CASCADE, which only acts where the connection turned foreign_keys on, and they also
// take the rows of the same platform + session id under another id: should the session's UUID ever
// change, its old rows would otherwise block the new ones (UNIQUE (platform, session_id)).
import type { BindValue, Database, Statement, Transaction } from 'better-sqlite3';
import type { Platform } from '../event/envelope.ts';
import type { PublicView } from '../metrics/public-view.ts';
import type { SessionMetrics } from '../metrics/session-metrics.ts';
import type { CodeChangeRow, ConversationRow, ConversationRows, TurnRow } from './conversation-rows.ts';

export interface ListOptions {
  limit: number;
  offset: number;
  platform?: Platform;
  projectHash?: string;
}

/** Each table's columns, spelled once: listing them as keys of a full record makes tsc catch a missing one. */
const CONVERSATION_COLUMNS = Object.keys({
  id: 0, session_id: 0, platform: 0, project_hash: 0, workspace_hash: 0, created_at: 0, updated_at: 0, ended_at: 0, end_reason: 0,
  interaction_count: 0, turn_count: 0, tool_call_count: 0, tool_error_count: 0, acceptance_rate: 0, total_lines_added: 0,
  total_lines_removed: 0, total_tokens: 0, cost_usd: 0,
} satisfies Record<keyof ConversationRow, 0>) as Array<keyof ConversationRow>;
const TURN_COLUMNS = Object.keys({
  id: 0, conversation_id: 0, turn_number: 0, turn_type: 0, content_hash: 0, started_at: 0, ended_at: 0, prompt_chars: 0,
  prompt_words: 0, tokens_used: 0, latency_ms: 0, tool_calls: 0, tool_errors: 0, lines_added: 0, lines_removed: 0, model: 0,
} satisfies Record<keyof TurnRow, 0>) as Array<keyof TurnRow>;
const CHANGE_COLUMNS = Object.keys({
  id: 0, conversation_id: 0, turn_id: 0, tool: 0, file_extension: 0, file_hash: 0, operation: 0, lines_added: 0, lines_removed: 0,
  accepted: 0, outcome: 0, rejection: 0, acceptance_delay_ms: 0, reverted: 0, created_at: 0,
} satisfies Record<keyof CodeChangeRow, 0>) as Array<keyof CodeChangeRow>;

/** code_changes' BOOLEAN columns come back from SQLite as 0/1. */
type StoredChange = Omit<CodeChangeRow, 'accepted' | 'reverted'> & { accepted: number | null; reverted: number | null };

function insertSql(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

function valuesOf<Row extends object>(row: Row, columns: ReadonlyArray<keyof Row>): BindValue[] {
  return columns.map((column) => {
    const value = row[column];
    return typeof value === 'boolean' ? Number(value) : (value as BindValue);
  });
}

function booleanOf(value: number | null): boolean | null {
  return value === null ? null : value !== 0;
}

export class ConversationStore {
  private readonly deleteChanges: Statement;
  private readonly deleteTurns: Statement;
  private readonly deleteConversations: Statement;
  private readonly deleteMetrics: Statement;
  private readonly insertMetrics: Statement;
  private readonly selectMetrics: Statement<{ metrics: string }>;
  private readonly insertConversation: Statement;
  private readonly insertTurn: Statement;
  private readonly insertChange: Statement;
  private readonly selectConversation: Statement<ConversationRow>;
  private readonly selectTurns: Statement<TurnRow>;
  private readonly selectChanges: Statement<StoredChange>;
  private readonly selectList: Statement<ConversationRow>;
  private readonly write: Transaction<(rows: ConversationRows) => void>;

  constructor(db: Database) {
    const previous = 'SELECT id FROM conversations WHERE id = ? OR (platform = ? AND session_id = ?)';
    this.deleteChanges = db.prepare(`DELETE FROM code_changes WHERE conversation_id IN (${previous})`);
    this.deleteTurns = db.prepare(`DELETE FROM conversation_turns WHERE conversation_id IN (${previous})`);
    this.deleteMetrics = db.prepare(`DELETE FROM session_metrics WHERE conversation_id IN (${previous})`);
    this.deleteConversations = db.prepare(`DELETE FROM conversations WHERE id IN (${previous})`);
    this.insertMetrics = db.prepare('INSERT INTO session_metrics (conversation_id, metrics) VALUES (?, ?)');
    this.selectMetrics = db.prepare('SELECT metrics FROM session_metrics WHERE conversation_id = ?');
    this.insertConversation = db.prepare(insertSql('conversations', CONVERSATION_COLUMNS));
    this.insertTurn = db.prepare(insertSql('conversation_turns', TURN_COLUMNS));
    this.insertChange = db.prepare(insertSql('code_changes', CHANGE_COLUMNS));
    this.selectConversation = db.prepare(`SELECT ${CONVERSATION_COLUMNS.join(', ')} FROM conversations WHERE id = ?`);
    this.selectTurns = db.prepare(`SELECT ${TURN_COLUMNS.join(', ')} FROM conversation_turns WHERE conversation_id = ? ORDER BY turn_number`);
    // created_at, then id: the order buildConversation gives (anchors by time, then event_id).
    this.selectChanges = db.prepare(`SELECT ${CHANGE_COLUMNS.join(', ')} FROM code_changes WHERE conversation_id = ? ORDER BY created_at, id`);
    this.selectList = db.prepare(`SELECT ${CONVERSATION_COLUMNS.join(', ')} FROM conversations
      WHERE (? IS NULL OR platform = ?) AND (? IS NULL OR project_hash = ?)
      ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`);
    this.write = db.transaction((rows: ConversationRows) => this.writeRows(rows));
  }

  /** Replaces the session's rows with these, in one transaction (all or nothing). */
  replace(rows: ConversationRows): void {
    this.write.immediate(rows);
  }

  private writeRows({ conversation, turns, changes, metrics }: ConversationRows): void {
    const session = [conversation.id, conversation.platform, conversation.session_id];
    this.deleteChanges.run(...session);
    this.deleteTurns.run(...session);
    this.deleteMetrics.run(...session);
    this.deleteConversations.run(...session);
    this.insertConversation.run(...valuesOf(conversation, CONVERSATION_COLUMNS));
    for (const turn of turns) this.insertTurn.run(...valuesOf(turn, TURN_COLUMNS));
    for (const change of changes) this.insertChange.run(...valuesOf(change, CHANGE_COLUMNS));
    this.insertMetrics.run(conversation.id, JSON.stringify(metrics));
  }

  /** The session's metrics as stored with its conversation. */
  metrics(conversationId: string): PublicView<SessionMetrics> | undefined {
    const row = this.selectMetrics.get(conversationId);
    return row ? (JSON.parse(row.metrics) as PublicView<SessionMetrics>) : undefined;
  }

  conversation(id: string): ConversationRow | undefined {
    return this.selectConversation.get(id);
  }

  turns(conversationId: string): TurnRow[] {
    return this.selectTurns.all(conversationId);
  }

  changes(conversationId: string): CodeChangeRow[] {
    return this.selectChanges.all(conversationId).map((row) => ({ ...row, accepted: booleanOf(row.accepted), reverted: booleanOf(row.reverted) }));
  }

  /** Conversations by latest activity first, optionally of one platform and/or project. */
  list(options: ListOptions): ConversationRow[] {
    for (const [name, value] of [['limit', options.limit], ['offset', options.offset]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, not ${value}`);
    }
    const platform = options.platform ?? null;
    const project = options.projectHash ?? null;
    return this.selectList.all(platform, platform, project, project, options.limit, options.offset);
  }
}
