import assert from 'node:assert/strict';
import { createHasher } from '../../core/capture/safe-values.ts';
import { parseTranscriptLine, tokenTotal, type UsageRecord } from '../../core/transcripts/transcript-line.ts';
import { UsageLedger } from '../../core/transcripts/usage-ledger.ts';
import { buildTokenUsageEvent, tokenUsageEventId } from '../../core/transcripts/token-usage-event.ts';

const hash = createHasher(Buffer.alloc(32, 7));

function assistantLine(fields: { id?: string; requestId?: string; usage: Record<string, unknown>; model?: string; stop?: string | null; extra?: Record<string, unknown> }): string {
  return JSON.stringify({
    type: 'assistant',
    sessionId: '4d5611e5-241a-462a-8d15-5122611a9569',
    timestamp: '2026-02-12T16:02:27.718Z',
    cwd: '/home/someone/project',
    isSidechain: false,
    version: '2.1.39',
    ...(fields.requestId ? { requestId: fields.requestId } : {}),
    message: { id: fields.id, model: fields.model ?? 'claude-opus-4-6', role: 'assistant', content: [{ type: 'text', text: 'hello' }], stop_reason: fields.stop ?? null, usage: fields.usage },
    ...fields.extra,
  });
}

function usageOf(text: string): UsageRecord {
  const parsed = parseTranscriptLine(text, hash);
  assert.equal(parsed.kind, 'usage');
  return (parsed as { usage: UsageRecord }).usage;
}

describe('transcript line parsing', () => {
  it('reads the four token counts, splitting cache writes into 5-minute and 1-hour', () => {
    const usage = usageOf(
      assistantLine({
        id: 'msg_01PdWvcjJ6E9BgscDveYt9YV',
        requestId: 'req_011CY4TRHLYkp2wmETF8ujUf',
        usage: { input_tokens: 3, output_tokens: 9, cache_read_input_tokens: 11442, cache_creation_input_tokens: 300, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 } },
      }),
    );
    assert.deepEqual(usage.tokens, { input: 3, output: 9, cacheWrite5m: 100, cacheWrite1h: 200, cacheRead: 11442 });
    assert.equal(usage.model, 'claude-opus-4-6');
    assert.equal(usage.sessionId, '4d5611e5-241a-462a-8d15-5122611a9569');
    assert.equal(usage.claudeVersion, '2.1.39');
    assert.equal(usage.final, false);
    assert.match(usage.workspaceHash ?? '', /^[0-9a-f]{16}$/);
  });

  it('prefers the cache_creation breakdown over a total of 0, and falls back to the total as 5-minute writes', () => {
    const fixed = usageOf(assistantLine({ id: 'msg_a', usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 50 } } }));
    assert.deepEqual([fixed.tokens.cacheWrite5m, fixed.tokens.cacheWrite1h], [0, 50]);
    const old = usageOf(assistantLine({ id: 'msg_b', usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 70 } }));
    assert.deepEqual([old.tokens.cacheWrite5m, old.tokens.cacheWrite1h], [70, 0]);
  });

  it('keys a response by message.id + requestId, by message.id alone without requestId, by the line without either', () => {
    const withBoth = usageOf(assistantLine({ id: 'msg_x', requestId: 'req_y', usage: { input_tokens: 1, output_tokens: 1 } }));
    const sameAgain = usageOf(assistantLine({ id: 'msg_x', requestId: 'req_y', usage: { input_tokens: 1, output_tokens: 5 } }));
    const otherRequest = usageOf(assistantLine({ id: 'msg_x', requestId: 'req_z', usage: { input_tokens: 1, output_tokens: 1 } }));
    const noRequest = usageOf(assistantLine({ id: 'msg_x', usage: { input_tokens: 1, output_tokens: 1 } }));
    assert.equal(withBoth.messageKey, sameAgain.messageKey);
    assert.notEqual(withBoth.messageKey, otherRequest.messageKey);
    assert.equal(noRequest.messageKey, hash('msg_x'));
    const lineA = usageOf(assistantLine({ usage: { input_tokens: 1, output_tokens: 1 }, extra: { uuid: 'cb6290e9-ebd3-4615-97c1-9fb77b4c5e99' } }));
    const lineB = usageOf(assistantLine({ usage: { input_tokens: 1, output_tokens: 1 }, extra: { uuid: '163aa85e-ffa2-4d73-8531-8b46d91dcdd3' } }));
    assert.notEqual(lineA.messageKey, lineB.messageKey);
  });

  it('drops the <synthetic> model label but keeps the tokens; a stop_reason marks final usage', () => {
    const synthetic = usageOf(assistantLine({ id: 'msg_s', model: '<synthetic>', usage: { input_tokens: 0, output_tokens: 0 }, extra: { isApiErrorMessage: true } }));
    assert.equal(synthetic.model, undefined);
    assert.equal(synthetic.isApiError, true);
    assert.equal(usageOf(assistantLine({ id: 'msg_f', stop: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } })).final, true);
  });

  it('classifies lines: sightings without usage, ignored lines without a session, corrupt lines', () => {
    const user = parseTranscriptLine(JSON.stringify({ type: 'user', sessionId: 's-1', timestamp: '2026-02-12T16:02:25.284Z', message: { role: 'user', content: 'hi' } }), hash);
    assert.deepEqual(user, { kind: 'sighting', sighting: { sessionId: 's-1', timestamp: '2026-02-12T16:02:25.284Z', workspaceHash: undefined } });
    assert.deepEqual(parseTranscriptLine('{"type":"file-history-snapshot","messageId":"m"}', hash), { kind: 'ignored' });
    assert.deepEqual(parseTranscriptLine('{"type":"assistant","message":', hash), { kind: 'corrupt', reason: 'invalid_json' });
    assert.deepEqual(parseTranscriptLine('[1,2]', hash), { kind: 'corrupt', reason: 'not_an_object' });
    // A nested subagent message inside a progress line is not the progress line's own usage.
    const progress = parseTranscriptLine(
      JSON.stringify({ type: 'progress', sessionId: 's-1', timestamp: '2026-02-12T16:02:48.183Z', data: { type: 'agent_progress', message: { type: 'assistant', message: { usage: { input_tokens: 9 } } } } }),
      hash,
    );
    assert.equal(progress.kind, 'sighting');
  });
});

describe('transcript usage ledger', () => {
  const base = (key: string, output: number, extra: Partial<UsageRecord> = {}): UsageRecord => ({
    messageKey: key,
    sessionId: 's',
    model: 'claude-opus-4-6',
    timestamp: '2026-02-12T16:05:13.088Z',
    tokens: { input: 1, output, cacheWrite5m: 10, cacheWrite1h: 0, cacheRead: 100 },
    isSidechain: false,
    final: false,
    isApiError: false,
    ...extra,
  });

  it('keeps the line with the largest usage and releases a response once another one starts in the same file', () => {
    const ledger = new UsageLedger();
    ledger.offer(base('a', 10), 'f', 0);
    ledger.offer(base('a', 299), 'f', 500);
    ledger.offer(base('a', 10), 'f', 900);
    assert.deepEqual(ledger.take(), []);
    assert.equal(ledger.pendingStart('f'), 0);
    ledger.offer(base('b', 1), 'f', 1200);
    const released = ledger.take();
    assert.deepEqual(released.map((record) => [record.messageKey, record.tokens.output]), [['a', 299]]);
    assert.equal(ledger.pendingStart('f'), 1200);
    assert.equal(ledger.counters.duplicateLines, 2);
  });

  it('releases a final line at once, and counts a later larger copy as late growth instead of a second record', () => {
    const ledger = new UsageLedger();
    ledger.offer(base('a', 50, { final: true }), 'f', 0);
    assert.equal(ledger.take().length, 1);
    ledger.offer(base('a', 60), 'g', 0);
    ledger.offer(base('a', 50), 'g', 10);
    assert.deepEqual(ledger.take(), []);
    assert.deepEqual(ledger.counters, { duplicateLines: 0, lateGrowth: 1, lateRepeats: 1 });
  });

  it('dedupes a response seen in two files, preferring the main thread on equal usage', () => {
    const ledger = new UsageLedger();
    ledger.offer(base('a', 5, { isSidechain: true, agentId: 'a1' }), 'sub', 0);
    ledger.offer(base('a', 5), 'main', 40);
    ledger.settleFile('main');
    const [only, ...rest] = ledger.take();
    assert.equal(rest.length, 0);
    assert.equal(only?.isSidechain, false);
    assert.equal(ledger.pendingStart('sub'), undefined);
  });

  it('keeps responses pending across a restart of their file, and releases them when the file is deleted', () => {
    const ledger = new UsageLedger();
    ledger.offer(base('a', 5), 'f', 100);
    ledger.restartFile('f');
    assert.equal(ledger.pendingCount, 1);
    ledger.offer(base('a', 7), 'f', 100);
    assert.equal(ledger.pendingStart('f'), 100);
    ledger.forgetFile('f');
    assert.deepEqual(ledger.take().map((record) => record.tokens.output), [7]);
  });
});

describe('transcript token_usage envelope', () => {
  it('builds a token_usage event with a deterministic id and no text', () => {
    const record = usageOf(
      assistantLine({ id: 'msg_01Aci2WjhVxhEoZK5GJvwVrD', requestId: 'req_011CY4TdRR4Sr7x9h9V6zayA', usage: { input_tokens: 1, output_tokens: 299, cache_read_input_tokens: 29509, cache_creation: { ephemeral_5m_input_tokens: 5601, ephemeral_1h_input_tokens: 0 }, inference_geo: 'global' } }),
    );
    const event = buildTokenUsageEvent(record);
    assert.equal(event.event_type, 'token_usage');
    assert.equal(event.hook_type, 'transcript');
    assert.equal(event.platform, 'claude_code');
    assert.equal(event.event_id, tokenUsageEventId(record.messageKey));
    assert.equal(event.event_id, buildTokenUsageEvent({ ...record, timestamp: '2026-02-12T16:05:15.558Z' }).event_id);
    assert.match(event.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { ...event.payload },
      {
        input_tokens: 1,
        output_tokens: 299,
        cache_read_tokens: 29509,
        cache_write_tokens: 5601,
        cache_write_5m_tokens: 5601,
        cache_write_1h_tokens: 0,
        total_tokens: tokenTotal(record.tokens),
        message_key: record.messageKey,
        is_sidechain: false,
        usage_final: false,
        inference_geo: 'global',
      },
    );
    assert.equal(event.metadata.model, 'claude-opus-4-6');
    assert.ok(!JSON.stringify(event).includes('hello'));
    assert.ok(!JSON.stringify(event).includes('/home/someone'));
  });
});
