// The privacy promise for transcripts: canaries planted as prompt text, assistant text, thinking,
// tool inputs and outputs, paths (the project folder, cwd, file paths), branch, titles, ids and a
// version string go through the real reader, and none of them appears in the usage records, the
// token_usage envelopes, the session list, the saved state or the log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log, LogFields } from '../../core/log.ts';
import { buildTokenUsageEvent } from '../../core/transcripts/token-usage-event.ts';
import type { UsageRecord } from '../../core/transcripts/transcript-line.ts';
import { scanTranscripts } from '../../core/transcripts/transcript-scan.ts';
import { jsonFileStateStore } from '../../core/transcripts/transcript-state.ts';
import { TranscriptTailer } from '../../core/transcripts/transcript-tailer.ts';

function canary(kind: string): string {
  return `cnry${kind}${randomBytes(5).toString('hex')}`;
}

describe('transcript privacy canaries', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'blueplane-transcript-privacy-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('keeps every planted canary out of records, envelopes, sessions, state and log', async () => {
    const c = {
      folder: canary('folder'),
      cwd: canary('cwd'),
      prompt: canary('prompt'),
      email: `${canary('mail')}@example.com`,
      apiKey: `sk-ant-api03-${canary('key')}AAAAAAAAAAAAAAAAAAAAAAAA`,
      text: canary('text'),
      thinking: canary('thinking'),
      command: canary('command'),
      filePath: canary('filepath'),
      code: canary('code'),
      stdout: canary('stdout'),
      branch: canary('branch'),
      slug: canary('slug'),
      title: canary('title'),
      summary: canary('summary'),
      messageId: canary('msgid'),
      requestId: canary('reqid'),
      version: canary('version'),
      tier: canary('tier'),
      geo: canary('geo'),
      hook: canary('hook'),
    };
    const session = '0b6f1c2e-8d7a-4f5e-9c3b-2a1d0e9f8c7b';
    const cwd = `/home/alice/${c.cwd}/project`;
    const common = { sessionId: session, cwd, gitBranch: c.branch, slug: c.slug, version: c.version, userType: 'external', isSidechain: false };
    const lines = [
      { ...common, type: 'user', uuid: 'u1', timestamp: '2026-03-01T10:00:00.000Z', message: { role: 'user', content: `${c.prompt} mail ${c.email} key ${c.apiKey}` } },
      {
        ...common,
        type: 'assistant',
        uuid: 'a1',
        timestamp: '2026-03-01T10:00:05.000Z',
        requestId: c.requestId,
        message: {
          id: c.messageId,
          model: 'claude-opus-4-6',
          role: 'assistant',
          stop_reason: 'tool_use',
          content: [
            { type: 'thinking', thinking: c.thinking },
            { type: 'text', text: c.text },
            { type: 'tool_use', id: 'toolu_01AAAAAAAAAAAAAAAAAAAAAAAA', name: 'Bash', input: { command: `cat /srv/${c.filePath}`, description: c.command } },
            { type: 'tool_use', id: 'toolu_01BBBBBBBBBBBBBBBBBBBBBBBB', name: 'Write', input: { file_path: `/srv/${c.filePath}.ts`, content: c.code } },
          ],
          usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 30, cache_creation_input_tokens: 40, service_tier: c.tier, inference_geo: c.geo, cache_creation: { ephemeral_5m_input_tokens: 40, ephemeral_1h_input_tokens: 0 } },
        },
      },
      {
        ...common,
        type: 'user',
        uuid: 'u2',
        timestamp: '2026-03-01T10:00:06.000Z',
        message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01AAAAAAAAAAAAAAAAAAAAAAAA', content: c.stdout }] },
        toolUseResult: { stdout: c.stdout, stderr: c.email, filePath: `/srv/${c.filePath}`, oldString: c.code, newString: c.code },
      },
      { ...common, type: 'progress', uuid: 'p1', timestamp: '2026-03-01T10:00:07.000Z', data: { type: 'hook_progress', hookEvent: 'PreToolUse', command: c.hook } },
      { type: 'summary', summary: c.summary, leafUuid: 'u2' },
      { type: 'custom-title', sessionId: session, title: c.title, timestamp: '2026-03-01T10:00:08.000Z' },
      '{"type":"assistant","sessionId":"broken", "message": {"content": "' + c.text + '", "usage":',
    ];
    const folder = join(home, 'projects', `-home-alice-${c.folder}-project`);
    mkdirSync(join(folder, session, 'subagents'), { recursive: true });
    const text = `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
    writeFileSync(join(folder, `${session}.jsonl`), text);
    writeFileSync(join(folder, session, 'subagents', `agent-${c.folder}.jsonl`), text.replaceAll('"isSidechain":false', '"isSidechain":true'));

    const logged: string[] = [];
    const capture = (level: string) => (event: string, fields?: LogFields) => logged.push(JSON.stringify({ level, event, ...fields }));
    const log: Log = { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') };
    const records: UsageRecord[] = [];
    const store = jsonFileStateStore(join(home, 'state.json'));
    const tailer = new TranscriptTailer({ secret: randomBytes(32), log });
    await scanTranscripts({ roots: [join(home, 'projects')], tailer, deliver: (batch) => void records.push(...batch), store, settleAll: true });

    assert.equal(records.length, 1, 'one response, counted once across both files');
    const outputs = [
      JSON.stringify(records),
      JSON.stringify(records.map(buildTokenUsageEvent)),
      JSON.stringify(tailer.sessions()),
      JSON.stringify(tailer.snapshot()),
      readFileSync(join(home, 'state.json'), 'utf8'),
      logged.join('\n'),
    ].join('\n');
    assert.ok(logged.length > 0, 'the corrupt line was logged');
    for (const [kind, value] of Object.entries(c)) {
      const marker = /cnry[a-z]+[0-9a-f]{10}/.exec(value)![0];
      assert.ok(!outputs.includes(marker), `${kind} canary leaked`);
    }
    const event = buildTokenUsageEvent(records[0]!);
    assert.equal(event.payload.service_tier, 'other');
    assert.equal(event.payload.inference_geo, 'other');
    assert.equal(event.metadata.ide_version, undefined);
  });
});
