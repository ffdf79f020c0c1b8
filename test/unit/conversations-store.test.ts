import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConversation } from '../../core/conversations/build-conversation.ts';
import type { ConversationRows } from '../../core/conversations/conversation-rows.ts';
import { ConversationStore } from '../../core/conversations/conversation-store.ts';
import type { EventPayload, TelemetryEvent } from '../../core/event/envelope.ts';
import { silentLog } from '../../core/log.ts';
import { DATABASE_FILE, TelemetryStore } from '../../core/storage/telemetry-store.ts';
import { queryDatabase } from '../support/telemetry-db.ts';
import { OPUS, priceOf, session } from './metrics-builders.ts';
import { claudeSession, cursorSession } from './metrics-sample-sessions.ts';

const CLAUDE_ID = '019ac0de-0000-7000-8000-00000000000a';
const CURSOR_ID = '019ac0de-0000-7000-8000-00000000000b';
const TABLES = ['conversations', 'conversation_turns', 'code_changes'] as const;

function claudeEvents(): TelemetryEvent[] {
  const s = claudeSession();
  return [...s.events, ...s.usageEvents];
}

describe('conversations: the store, on a real telemetry.db', () => {
  let folder: string;
  let file: string;
  let telemetry: TelemetryStore;
  let store: ConversationStore;

  /** Every row of the three tables, read through a connection of its own (what a reader sees). */
  function dump(): Record<string, unknown[]> {
    return Object.fromEntries(TABLES.map((table) => [table, queryDatabase(file, `SELECT * FROM ${table} ORDER BY id`)]));
  }

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'blueplane-conversations-'));
    file = join(folder, DATABASE_FILE);
    telemetry = TelemetryStore.open(file, silentLog);
    store = new ConversationStore(telemetry.connection());
  });
  afterEach(() => {
    telemetry.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('reads back exactly the rows it was given (booleans, nulls, reals and all)', () => {
    for (const rows of [buildConversation(claudeEvents(), CLAUDE_ID, { priceOf }), buildConversation(cursorSession().events, CURSOR_ID)]) {
      store.replace(rows);
      const id = rows.conversation.id;
      assert.deepEqual(store.conversation(id), rows.conversation);
      assert.deepEqual(store.turns(id), rows.turns);
      assert.deepEqual(store.changes(id), rows.changes);
      // The session's metrics come back as the engine computed them (JSON: no undefined fields).
      assert.deepEqual(store.metrics(id), JSON.parse(JSON.stringify(rows.metrics)));
    }
    assert.equal(store.conversation('no-such-id'), undefined);
    assert.equal(store.metrics('no-such-id'), undefined);
    assert.deepEqual(store.turns('no-such-id'), []);
    // Every change's turn exists, and the tables hold only what they should.
    assert.deepEqual(queryDatabase(file, 'PRAGMA foreign_key_check'), []);
    assert.deepEqual(
      TABLES.map((table) => queryDatabase<{ count: number }>(file, `SELECT count(*) AS count FROM ${table}`)[0]!.count),
      [2, 4 + 2, 7 + 3],
    );
  });

  it('replace is idempotent: replaying a session leaves the same table contents', () => {
    const rows = buildConversation(claudeEvents(), CLAUDE_ID, { priceOf });
    store.replace(rows);
    store.replace(buildConversation(cursorSession().events, CURSOR_ID));
    const once = dump();
    store.replace(rows);
    store.replace(buildConversation(claudeEvents(), CLAUDE_ID, { priceOf }));
    assert.deepEqual(dump(), once);
  });

  it('a session rebuilt with more or fewer events keeps no stale turn or change', () => {
    const events = claudeEvents();
    const hooks = events.filter((event) => event.event_type !== 'token_usage');
    // Up to the second prompt's Write (index 15 is w1's PostToolUse), without usage records.
    const early = buildConversation(hooks.slice(0, 16), CLAUDE_ID, { priceOf });
    const full = buildConversation(events, CLAUDE_ID, { priceOf });
    store.replace(early);
    assert.deepEqual([store.turns(CLAUDE_ID).length, store.changes(CLAUDE_ID).length], [2, 4]);
    store.replace(full);
    assert.deepEqual([store.conversation(CLAUDE_ID), store.turns(CLAUDE_ID), store.changes(CLAUDE_ID)], [full.conversation, full.turns, full.changes]);
    store.replace(early);
    assert.deepEqual([store.conversation(CLAUDE_ID), store.turns(CLAUDE_ID), store.changes(CLAUDE_ID)], [early.conversation, early.turns, early.changes]);
  });

  it('the same session under a new UUID replaces its old rows instead of clashing with them', () => {
    const other = '019ac0de-0000-7000-8000-0000000000ff';
    store.replace(buildConversation(claudeEvents(), CLAUDE_ID));
    store.replace(buildConversation(claudeEvents(), other));
    assert.deepEqual(
      TABLES.map((table) => queryDatabase<{ id: string }>(file, `SELECT DISTINCT ${table === 'conversations' ? 'id' : 'conversation_id'} AS id FROM ${table}`).map((row) => row.id)),
      [[other], [other], [other]],
    );
  });

  it('a replace that fails leaves the previous rows whole', () => {
    const rows = buildConversation(claudeEvents(), CLAUDE_ID);
    store.replace(rows);
    const before = dump();
    const broken: ConversationRows = { ...rows, turns: [...rows.turns, rows.turns[0]!] }; // a turn id twice
    assert.throws(() => store.replace(broken), /UNIQUE constraint failed/);
    assert.deepEqual(dump(), before);
  });

  it('lists conversations by latest activity, by platform and project, a page at a time', () => {
    const late = session('claude_code', 'late', { project_hash: 'p2' });
    late.add('user_prompt', 5000, { prompt_chars: 1, prompt_words: 1 });
    const lateId = '019ac0de-0000-7000-8000-00000000000c';
    store.replace(buildConversation(claudeEvents(), CLAUDE_ID)); // last event 1010 s, p1
    store.replace(buildConversation(cursorSession().events, CURSOR_ID)); // 100 s, p1
    store.replace(buildConversation(late.events, lateId)); // 5000 s, p2
    const ids = (options: Parameters<ConversationStore['list']>[0]): string[] => store.list(options).map((row) => row.id);
    assert.deepEqual(ids({ limit: 10, offset: 0 }), [lateId, CLAUDE_ID, CURSOR_ID]);
    assert.deepEqual(ids({ limit: 1, offset: 1 }), [CLAUDE_ID]);
    assert.deepEqual(ids({ limit: 10, offset: 3 }), []);
    assert.deepEqual(ids({ limit: 10, offset: 0, platform: 'claude_code' }), [lateId, CLAUDE_ID]);
    assert.deepEqual(ids({ limit: 10, offset: 0, projectHash: 'p1' }), [CLAUDE_ID, CURSOR_ID]);
    assert.deepEqual(ids({ limit: 10, offset: 0, platform: 'cursor', projectHash: 'p2' }), []);
    assert.deepEqual(store.list({ limit: 1, offset: 0, platform: 'cursor' }), [store.conversation(CURSOR_ID)]);
    assert.throws(() => store.list({ limit: -1, offset: 0 }), RangeError);
    assert.throws(() => store.list({ limit: 10, offset: 0.5 }), RangeError);
  });

  it('privacy: nothing but ids, times, hashes, counts and names reaches the tables', () => {
    // Text the sanitizer would never let through, planted in fields the envelope does not have:
    // the rows must not pick any of it up, and every text cell must be on the list of what may be stored.
    const canary = 'CANARY-7f3a';
    const planted = (payload: EventPayload): EventPayload =>
      ({ ...payload, prompt: `${canary} prompt`, file_path: `/home/${canary}/a.ts`, command: `rm ${canary}`, tool_output: canary }) as EventPayload;
    const s = session('claude_code', 'private', { project_hash: 'h-project', workspace_hash: 'h-workspace' });
    s.add('session_start', 0, planted({ source: 'startup' }), { model: OPUS });
    s.add('user_prompt', 1, planted({ prompt_chars: 12, prompt_words: 2, prompt_hash: 'h-prompt' }));
    s.add('tool_start', 2, planted({ tool: 'Bash', tool_use_id: 'b', command_name: 'rm', command_hash: 'h-command' }));
    s.add('tool_use', 3, planted({ tool: 'Bash', tool_use_id: 'b', success: true, exit_code: 0 }));
    s.add('tool_start', 4, planted({ tool: 'Edit', tool_use_id: 'e', file_hash: 'h-file', file_extension: '.ts', lines_added: 3, lines_removed: 1 }));
    s.add('tool_use', 5, planted({ tool: 'Edit', tool_use_id: 'e', file_hash: 'h-file', file_extension: '.ts', lines_added: 3, lines_removed: 1, success: true }));
    s.add('turn_end', 6, planted({}));
    s.add('session_end', 7, planted({ reason: 'logout' }));
    s.usage(3, OPUS, { input: 10, output: 2 });
    store.replace(buildConversation([...s.events, ...s.usageEvents], CLAUDE_ID, { priceOf }));

    const allowed = new Set(['private', 'claude_code', 'h-project', 'h-workspace', 'h-prompt', 'h-file', OPUS, 'Edit', '.ts', 'edit', 'accepted', 'user_prompt', 'logout']);
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const ids = new RegExp(`^${CLAUDE_ID}(:(\\d+|private-\\d{4}))?$`);
    const dumped = dump();
    for (const [table, rows] of Object.entries(dumped)) {
      assert.ok(rows.length > 0, `${table} has rows`);
      for (const row of rows as Array<Record<string, unknown>>) {
        for (const [column, value] of Object.entries(row)) {
          assert.ok(value === null || typeof value === 'number' || typeof value === 'string', `${table}.${column}: ${typeof value}`);
          if (typeof value !== 'string') continue;
          assert.ok(!value.includes(canary), `${table}.${column} holds planted text`);
          assert.ok(allowed.has(value) || iso.test(value) || ids.test(value), `${table}.${column} = ${JSON.stringify(value)} is not an id, a time, a hash or a name`);
        }
      }
    }
    assert.ok(!JSON.stringify(dumped).includes(canary));
  });
});
