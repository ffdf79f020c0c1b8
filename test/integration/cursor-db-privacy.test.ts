// The privacy promise for Cursor's state.vscdb: canaries planted in chat text, prompts, tool
// parameters and results, file paths and URIs, summaries, titles, auth tokens, e-mail addresses,
// raw provider messages and workspace folders go through the real monitor, and none of them appears
// in the records, the envelopes, the saved state or the log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, LogFields } from '../../core/log.ts';
import { buildCursorEvent, type CursorRecord } from '../../core/cursor-db/cursor-events.ts';
import { CursorMonitor, jsonFileCursorStateStore } from '../../core/cursor-db/cursor-monitor.ts';

const require = createRequire(import.meta.url);
// @ts-ignore better-sqlite3 ships no type declarations
const Database = require('better-sqlite3') as new (path: string) => { exec(sql: string): void; prepare(sql: string): { run(...args: unknown[]): void }; close(): void };

function canary(kind: string): string {
  return `cnry${kind}${randomBytes(5).toString('hex')}`;
}

function createStateDb(path: string, rows: Array<[table: string, key: string, value: unknown]>): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  db.exec('CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB); CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);');
  for (const [table, key, value] of rows) db.prepare(`INSERT INTO ${table} VALUES (?, ?)`).run(key, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
  db.close();
}

describe('cursor-db privacy canaries', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'blueplane-cursor-privacy-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps every planted canary out of records, envelopes, state and log', async () => {
    const c = {
      token: `eyJhbGciOiJIUzI1NiJ9.${canary('token')}`,
      email: `${canary('mail')}@example.com`,
      prompt: canary('prompt'),
      generationText: canary('gentext'),
      composerName: canary('name'),
      subtitle: canary('subtitle'),
      bubbleText: canary('bubble'),
      richText: canary('richtext'),
      thinking: canary('thinking'),
      toolParams: canary('params'),
      toolResult: canary('result'),
      code: canary('code'),
      filePath: canary('filepath'),
      summary: canary('summary'),
      agentBlob: canary('agentkv'),
      terminal: canary('terminal'),
      folder: canary('folder'),
      workspaceDir: canary('wsdir'),
      composerPath: canary('cmppath'),
      secretModel: `sk-ant-${canary('model')}AAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
      chat: canary('chat'),
    };
    const composerId = '7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';
    const userDir = join(root, 'User');
    createStateDb(join(userDir, 'globalStorage', 'state.vscdb'), [
      ['ItemTable', 'cursorAuth/accessToken', c.token],
      ['ItemTable', 'cursorAuth/refreshToken', c.token],
      ['ItemTable', 'cursorAuth/cachedEmail', c.email],
      ['ItemTable', `terminal.history.entries.commands`, { entries: [{ key: c.terminal }] }],
      ['ItemTable', 'composer.composerHeaders', { allComposers: [{ type: 'head', composerId, name: c.composerName, subtitle: c.subtitle, lastUpdatedAt: 1768656147170, totalLinesAdded: 4, workspaceIdentifier: { id: 'x', uri: { fsPath: `/home/alice/${c.folder}` } } }] }],
      ['ItemTable', 'aiCodeTracking.dailyStats.v1.5.2026-01-17', { date: '2026-01-17', tabSuggestedLines: 1, note: c.prompt }],
      [
        'cursorDiskKV',
        `composerData:${composerId}`,
        {
          _v: 3,
          composerId,
          name: c.composerName,
          subtitle: c.subtitle,
          text: c.prompt,
          richText: c.richText,
          status: c.summary,
          unifiedMode: c.chat,
          modelConfig: { modelName: c.secretModel },
          createdAt: 1768650378012,
          lastUpdatedAt: 1768656147170,
          fullConversationHeadersOnly: [{ bubbleId: 'b1', type: 1 }, { bubbleId: 'b2', type: 2 }],
          codeBlockData: { [`file:///home/alice/${c.filePath}.ts`]: [{ _v: 2, bubbleId: 'b2', uri: { fsPath: `/home/alice/${c.filePath}.ts` }, status: 'accepted', content: c.code }] },
          latestConversationSummary: { summary: { summary: c.summary }, lastBubbleId: 'b2' },
          context: { fileSelections: [{ uri: { fsPath: `/home/alice/${c.filePath}` } }], mentions: { [c.filePath]: true } },
          workspaceIdentifier: { id: 'x', uri: { fsPath: `/home/alice/${c.folder}` } },
        },
      ],
      ['cursorDiskKV', `bubbleId:${composerId}:b1`, { _v: 3, type: 1, bubbleId: 'b1', text: `${c.bubbleText} ${c.email}`, rawText: c.bubbleText, richText: c.richText, context: { fileSelections: [{ uri: { fsPath: c.filePath } }] } }],
      [
        'cursorDiskKV',
        `bubbleId:${composerId}:b2`,
        {
          _v: 3,
          type: 2,
          bubbleId: 'b2',
          text: c.bubbleText,
          thinking: { text: c.thinking },
          allThinkingBlocks: [{ text: c.thinking }],
          modelInfo: { modelName: 'claude-4.5-sonnet' },
          tokenCount: { inputTokens: 10, outputTokens: 5 },
          toolFormerData: { tool: 6, name: `mcp_${c.toolParams}_tool/with/slashes`, params: JSON.stringify({ path: c.filePath, command: c.toolParams }), rawArgs: c.toolParams, result: c.toolResult, status: 'completed' },
          codeBlocks: [{ content: c.code, uri: { fsPath: c.filePath } }],
          errorDetails: { generationUUID: 'g', message: c.toolResult },
        },
      ],
      ['cursorDiskKV', `composerData:/Users/alice/${c.composerPath}`, { fullConversationHeadersOnly: [{ bubbleId: 'z', type: 1 }] }],
      ['cursorDiskKV', `agentKv:blob:${'a'.repeat(64)}`, { role: 'user', content: `<user_info>${c.agentBlob} ${c.folder}</user_info>` }],
      ['cursorDiskKV', `checkpointId:${composerId}:k`, { files: [{ uri: c.filePath, originalContent: c.code }] }],
      ['cursorDiskKV', `codeBlockDiff:${composerId}:d`, { newModelDiffWrtV0: [{ modified: [c.code] }] }],
      ['cursorDiskKV', `messageRequestContext:${composerId}:b1`, { cursorRules: c.prompt, terminalFiles: [c.terminal] }],
    ]);
    const workspace = join(userDir, 'workspaceStorage', c.workspaceDir);
    createStateDb(join(workspace, 'state.vscdb'), [
      ['ItemTable', 'aiService.prompts', [{ text: c.prompt, commandType: 4 }]],
      ['ItemTable', 'aiService.generations', [{ unixMs: 1768644518895, generationUUID: '52eebe9c-d350-4d0a-99cf-7f29b29ea0fe', type: 'composer', textDescription: c.generationText }, { unixMs: 1768644518999, generationUUID: `/home/alice/${c.filePath}`, type: c.chat, textDescription: c.generationText }]],
      ['ItemTable', 'composer.composerData', { allComposers: [{ type: 'head', composerId: 'a444abdd-2743-4711-b38f-207c8c7427dc', name: c.composerName, subtitle: c.subtitle, totalLinesAdded: 3, unifiedMode: c.chat }] }],
      ['ItemTable', 'history.entries', [{ editor: { resource: `file:///home/alice/${c.filePath}` } }]],
      ['ItemTable', 'workbench.panel.aichat.view.aichat.chatdata', { tabs: [{ chatTitle: c.chat, bubbles: [{ type: 'user', text: c.chat }] }] }],
      ['ItemTable', 'cursorAuth/workspaceOpenedDate', '2026-01-17T04:13:05.331Z'],
    ]);
    writeFileSync(join(workspace, 'workspace.json'), JSON.stringify({ folder: `file:///home/alice/${c.folder}/project` }));
    // A workspace whose database is not SQLite at all: the failure is logged by code, never by path.
    mkdirSync(join(userDir, 'workspaceStorage', `${c.workspaceDir}-broken`), { recursive: true });
    writeFileSync(join(userDir, 'workspaceStorage', `${c.workspaceDir}-broken`, 'state.vscdb'), `not a database ${c.prompt}`.repeat(200));

    const logged: string[] = [];
    const capture = (level: string) => (event: string, fields?: LogFields) => logged.push(JSON.stringify({ level, event, ...fields }));
    const log: Log = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    const records: CursorRecord[] = [];
    const statePath = join(root, 'cursor-state.json');
    const report = await new CursorMonitor({ secret: randomBytes(32), userDirs: [userDir], deliver: (batch) => void records.push(...batch), store: jsonFileCursorStateStore(statePath), log }).pass();

    assert.deepEqual(report.statuses, { read: 2, error: 1 });
    assert.deepEqual(records.map((record) => record.kind).sort(), ['composer_update', 'composer_update', 'composer_update', 'daily_code_stats', 'generation', 'generation']);
    assert.ok(logged.some((line) => line.includes('cursor_db_read_failed')));
    const outputs = [JSON.stringify(records), JSON.stringify(records.map((record) => buildCursorEvent(record, 0))), readFileSync(statePath, 'utf8'), logged.join('\n')].join('\n');
    for (const [kind, value] of Object.entries(c)) {
      const marker = /cnry[a-z]+[0-9a-f]{10}/.exec(value)![0];
      assert.ok(!outputs.includes(marker), `${kind} canary leaked`);
    }
    const events = records.map((record) => buildCursorEvent(record, 0));
    const main = events.find((event) => event.session_id === composerId);
    assert.equal(main?.payload.status, 'other');
    assert.equal(main?.payload.mode, 'other');
    assert.deepEqual(main?.payload.tools, ['other']);
    assert.equal(main?.metadata.model, 'claude-4.5-sonnet', 'the secret-looking composer model is dropped; the bubble model is kept');
    assert.ok(events.some((event) => /^h_[0-9a-f]{16}$/.test(event.session_id)), 'a path-like composer id is hashed');
  });
});
