import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { TelemetryEvent } from '../../core/event/envelope.ts';
import { CURRENT_CODEC, decodeEventData, decodeEventJson, encodeEvent } from '../../core/storage/event-codec.ts';
import { EVENT_DICTIONARIES } from '../../core/storage/event-dictionaries.ts';
import { packIdentifiers, unpackIdentifiers } from '../../core/storage/identifier-packing.ts';
import { fixtureEvents, randomSecret, syntheticEvents } from '../support/ingest-events.ts';

function roundTrip(json: string): string {
  return unpackIdentifiers(Buffer.from(packIdentifiers(json)));
}

function compressionRatio(events: readonly TelemetryEvent[]): number {
  let raw = 0;
  let stored = 0;
  for (const event of events) {
    const encoded = encodeEvent(event);
    raw += encoded.json_bytes;
    stored += encoded.event_data.length;
  }
  return raw / stored;
}

describe('storage: event codec', () => {
  it('gives back the exact JSON text of every fixture and synthetic event', () => {
    for (const event of [...fixtureEvents(randomSecret()), ...syntheticEvents(2000, 11, Date.UTC(2027, 0, 3), randomSecret())]) {
      const json = JSON.stringify(event);
      const encoded = encodeEvent(event, json);
      assert.equal(encoded.codec, CURRENT_CODEC);
      assert.equal(decodeEventJson(encoded.event_data, encoded.codec), json);
      assert.deepEqual(decodeEventData(encoded.event_data, encoded.codec), event);
    }
  });

  it('packs ids, hashes and times losslessly, and leaves anything that only looks like one as text', () => {
    const cases = [
      '{"id":"01a028b2-c8b0-7720-b9cb-882008df8987","t":"2026-08-22T09:00:00.560Z"}',
      '{"upper":"01A028B2-C8B0-7720-B9CB-882008DF8987","h":"h_0123456789abcdef","n":1234567890123456}',
      '{"long":"0123456789abcdef0","short":"0123456789abcde","run":"0123456789abcdef0123456789abcdef"}',
      '{"feb30":"2026-02-30T10:00:00.000Z","before1970":"1969-12-31T23:59:59.999Z","noMs":"2026-08-22T09:00:00Z"}',
      '{"hour24":"2026-08-22T24:00:00.000Z","leap":"2028-02-29T00:00:00.000Z","far":"9999-12-31T23:59:59.999Z"}',
      '{"text":"café ☕ naïve 日本語 \\u0001\\u0002\\u0003","emoji":"👩‍💻","nested":{"a":[1,2,{"b":"deadbeefdeadbeef"}]}}',
      '{"edge":"01a028b2-c8b0-7720-b9cb-882008df898","dash":"01a028b2-c8b0-7720-b9cb882008df8987"}',
      '',
      '0123456789abcdef',
      '2026-08-22T09:00:00.560Z',
    ];
    for (const json of cases) assert.equal(roundTrip(json), json);
    assert.equal(packIdentifiers(cases[0]!).length, Buffer.byteLength(cases[0]!) - (36 - 17) - (24 - 7), 'a UUID takes 17 bytes, a timestamp 7');
    assert.equal(packIdentifiers(cases[3]!).length, Buffer.byteLength(cases[3]!), 'impossible or pre-1970 dates stay text');
  });

  it('round-trips any text built from the characters ids and times are made of', () => {
    // Random mixes of hex digits, dashes, digits and timestamp punctuation hit every boundary of
    // the packer (runs one short or long, a dash missing, a field out of range).
    const alphabet = '0123456789abcdef-T:.Z"x é';
    let state = 12345;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['01a028b2-c8b0-7720-b9cb-882008df8987', '0123456789abcdef', '2026-08-22T09:00:00.560Z', '1999-12-31T23:59:59.999Z'];
    for (let i = 0; i < 5000; i++) {
      let text = '';
      while (text.length < 80) text += random() < 0.3 ? pieces[Math.floor(random() * pieces.length)]!.slice(0, 10 + Math.floor(random() * 30)) : alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(roundTrip(text), text);
    }
  });

  it('fills the denormalized columns from the envelope', () => {
    const event: TelemetryEvent = {
      v: 1,
      event_id: '01a028b2-c8b0-7720-b9cb-882008df8987',
      timestamp: '2026-08-22T09:00:00.560Z',
      platform: 'cursor',
      session_id: '9b0a3589-c574-49d6-a335-ecbb3516db1d',
      event_type: 'assistant_response',
      hook_type: 'afterAgentResponse',
      metadata: { model: 'gpt-5', workspace_hash: 'aaaaaaaaaaaaaaaa', project_hash: 'bbbbbbbbbbbbbbbb', hook_version: '0.1.0' },
      payload: { response_chars: 6, input_tokens: 13431, output_tokens: 67, duration_ms: 812.4 },
    };
    const { event_data: data, json_bytes: bytes, ...columns } = encodeEvent(event);
    assert.deepEqual(columns, {
      event_id: event.event_id,
      session_id: event.session_id,
      event_type: 'assistant_response',
      platform: 'cursor',
      timestamp: event.timestamp,
      workspace_hash: 'aaaaaaaaaaaaaaaa',
      project_hash: 'bbbbbbbbbbbbbbbb',
      model: 'gpt-5',
      tool_name: null,
      duration_ms: 812,
      tokens_used: 13498,
      lines_added: null,
      lines_removed: null,
      codec: CURRENT_CODEC,
    });
    assert.equal(bytes, Buffer.byteLength(JSON.stringify(event)));
    assert.ok(data.length < bytes);
    const edit = encodeEvent({ ...event, event_type: 'tool_use', metadata: { hook_version: '0.1.0' }, payload: { tool: 'Edit', lines_added: 4, lines_removed: 1, total_tokens: 9 } });
    assert.deepEqual([edit.tool_name, edit.lines_added, edit.lines_removed, edit.tokens_used, edit.model, edit.workspace_hash], ['Edit', 4, 1, 9, null, null]);
  });

  it('stores realistic events at least 3.5x smaller than their JSON, each on its own (plain deflate: ~1.5x)', () => {
    const fixtures = fixtureEvents(randomSecret(), Date.UTC(2027, 5, 1));
    const mix = syntheticEvents(3000, 42, Date.UTC(2027, 2, 5, 14), randomSecret());
    for (const [name, events] of [['fixtures', fixtures], ['synthetic mix', mix]] as const) {
      const ratio = compressionRatio(events);
      assert.ok(ratio >= 3.5, `${name}: ${ratio.toFixed(2)}x`);
      const plain = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0) / events.reduce((sum, event) => sum + deflateRawSync(JSON.stringify(event)).length, 0);
      assert.ok(ratio > plain * 2, `${name}: ${ratio.toFixed(2)}x vs plain deflate ${plain.toFixed(2)}x`);
    }
  });

  it('keeps dictionary v1 byte for byte: rows written with it must decode forever', () => {
    const dictionary = EVENT_DICTIONARIES.get(1)!;
    assert.equal(dictionary.length, 7430);
    assert.equal(createHash('sha256').update(dictionary).digest('hex'), '774bc4a865c89e50bc258fbe01941b7f1a00b07cb1ecbf14e11c93e02797044d');
  });

  it('refuses data it cannot decode with a clear error instead of returning garbage', () => {
    const encoded = encodeEvent(fixtureEvents()[0]!);
    assert.throws(() => decodeEventData(encoded.event_data, 99), /unknown event codec 99/);
    assert.throws(() => decodeEventData(encoded.event_data.subarray(0, 10), encoded.codec));
    assert.throws(() => unpackIdentifiers(Buffer.from([0x7b, 0x01, 0xaa])), /truncated/);
  });
});
