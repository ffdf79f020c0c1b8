// The conversations worker: for the sessions a batch of CDC entries touched (prompts, tools,
// edits, tokens: priorities 1–3), it rebuilds each session's conversation, turns and code changes
// from all of its stored events and replaces them in SQLite (buildConversation +
// ConversationStore.replace: idempotent, so a redelivered entry changes nothing). On start it also
// builds the conversations of stored sessions that have none yet, or no session_metrics row (a
// database from before this worker, or before migration 4, existed).
import { buildConversation } from '../conversations/build-conversation.ts';
import { ConversationStore } from '../conversations/conversation-store.ts';
import type { Database } from 'better-sqlite3';
import type { CdcEntry } from '../fast-path/cdc-entry.ts';
import type { Platform } from '../event/envelope.ts';
import { SNAPSHOT_TYPES } from '../metrics/session-events.ts';
import type { PriceOf } from '../metrics/token-usage.ts';
import type { CdcWorker } from './cdc-consumer.ts';
import { sessionsOf } from './metrics-worker.ts';
import { NO_SESSION, type SessionSource } from './session-source.ts';

export interface ConversationsWorkerOptions {
  db: Database;
  source: SessionSource;
  priceOf: PriceOf;
}

const yieldToIngest = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ConversationsWorker implements CdcWorker {
  readonly name = 'conversations';
  readonly lanes = 2;
  private readonly options: ConversationsWorkerOptions;
  private readonly store: ConversationStore;
  private readonly missing: { all(): Array<{ platform: Platform; sessionId: string }> };

  constructor(options: ConversationsWorkerOptions) {
    this.options = options;
    this.store = new ConversationStore(options.db);
    this.missing = options.db.prepare(`SELECT DISTINCT m.platform AS platform, m.external_id AS sessionId FROM session_mappings m
      WHERE m.external_id != '${NO_SESSION}' AND NOT EXISTS (SELECT 1 FROM conversations c JOIN session_metrics s ON s.conversation_id = c.id
        WHERE c.platform = m.platform AND c.session_id = m.external_id)`);
  }

  takes(entry: CdcEntry): boolean {
    return entry.priority <= 3;
  }

  async handle(entries: readonly CdcEntry[]): Promise<void> {
    for (const { platform, sessionId } of sessionsOf(entries, (sequence) => this.options.source.sessionAt(sequence))) {
      await yieldToIngest();
      this.rebuild(platform, sessionId);
    }
  }

  /** Conversations for stored sessions that have none. */
  async prepare(): Promise<void> {
    for (const { platform, sessionId } of this.missing.all()) {
      await yieldToIngest();
      this.rebuild(platform, sessionId);
    }
  }

  private rebuild(platform: Platform, sessionId: string): boolean {
    const { source, priceOf } = this.options;
    const ref = source.session(platform, sessionId);
    const events = ref ? source.events(platform, sessionId) : [];
    // A session made only of Cursor database snapshots has nothing a conversation is made of.
    if (!ref || !events.some((event) => !SNAPSHOT_TYPES.has(event.event_type))) return false;
    this.store.replace(buildConversation(events, ref.uuid, { priceOf }));
    return true;
  }
}
