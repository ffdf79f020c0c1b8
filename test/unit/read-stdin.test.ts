import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { classifyInput, readStdin } from '../../hooks/read-stdin.ts';
import type { StdinResult } from '../../hooks/read-stdin.ts';

const LIMITS = { maxBytes: 1024, timeoutMs: 300, idleMs: 20 };

async function timed(promise: Promise<StdinResult>): Promise<{ result: StdinResult; ms: number }> {
  const started = Date.now();
  const result = await promise;
  return { result, ms: Date.now() - started };
}

describe('readStdin', () => {
  it('parses a payload that arrives in pieces, once, at EOF', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, LIMITS);
    source.write('{"session_id":"s1",');
    source.write('"text":"caf');
    source.write(Buffer.from([0xc3])); // a multi-byte character split across chunks
    source.end(Buffer.concat([Buffer.from([0xa9]), Buffer.from('"}')]));
    assert.deepEqual(await reading, { ok: true, value: { session_id: 's1', text: 'café' }, bytes: 34 });
  });

  it('does not wait for EOF once a complete object has arrived and the pipe went quiet', async () => {
    const source = new PassThrough();
    const { result, ms } = await timed(
      (() => {
        const reading = readStdin(source, { ...LIMITS, timeoutMs: 5000 });
        source.write('{"a":1}\n');
        return reading;
      })(),
    );
    assert.deepEqual(result, { ok: true, value: { a: 1 }, bytes: 8 });
    assert.ok(ms < 1000, `${ms} ms`);
  });

  it('keeps reading when a quiet gap falls inside the document', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, { ...LIMITS, timeoutMs: 2000 });
    source.write('{"a":{"b":1}');
    await new Promise((resolve) => setTimeout(resolve, 60));
    source.write(',"c":2}');
    assert.deepEqual(await reading, { ok: true, value: { a: { b: 1 }, c: 2 }, bytes: 19 });
  });

  it('gives up at the deadline when nothing arrives and the pipe stays open', async () => {
    const { result, ms } = await timed(readStdin(new PassThrough(), LIMITS));
    assert.deepEqual(result, { ok: false, reason: 'read_timeout', bytes: 0 });
    assert.ok(ms >= 290 && ms < 1000, `${ms} ms`);
  });

  it('reports read_timeout with the byte count for half a document', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, LIMITS);
    source.write('{"a":');
    assert.deepEqual(await reading, { ok: false, reason: 'read_timeout', bytes: 5 });
  });

  it('drains input over the cap until EOF without keeping it, and reports too_large', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, LIMITS);
    for (let i = 0; i < 100; i++) source.write(Buffer.alloc(1000, 0x20));
    source.end('{}');
    assert.deepEqual(await reading, { ok: false, reason: 'too_large', bytes: 100_002 });
  });

  it('reports too_large at the deadline when the oversized input never ends', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, LIMITS);
    source.write(Buffer.alloc(2000, 0x7b));
    assert.deepEqual(await reading, { ok: false, reason: 'too_large', bytes: 2000 });
  });

  it('turns a stream error into read_error', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, LIMITS);
    source.write('{"a"');
    source.destroy(new Error('EIO'));
    assert.deepEqual(await reading, { ok: false, reason: 'read_error', bytes: 4 });
  });
});

/** A readSync that plays back steps: bytes to return, 'EAGAIN'/'EIO' to throw, or 0 for EOF. */
function scripted(steps: Array<string | Buffer | 0 | 'EAGAIN' | 'EIO'>): (buffer: Buffer) => number {
  let index = 0;
  return (buffer) => {
    const step = steps[Math.min(index++, steps.length - 1)]!;
    if (step === 0) return 0;
    if (step === 'EAGAIN' || step === 'EIO') throw Object.assign(new Error(step), { code: step });
    const bytes = typeof step === 'string' ? Buffer.from(step) : step;
    return bytes.copy(buffer);
  };
}

describe('readStdin, reading what is already there synchronously first', () => {
  it('takes the whole payload and EOF without waiting on the stream', async () => {
    const { result, ms } = await timed(readStdin(new PassThrough(), { ...LIMITS, timeoutMs: 5000, readSync: scripted(['{"a":', '1}', 0]) }));
    assert.deepEqual(result, { ok: true, value: { a: 1 }, bytes: 7 });
    assert.ok(ms < 100, `${ms} ms`);
  });

  it('accepts a complete object at EAGAIN: the pipe is open but the payload is all there', async () => {
    const { result, ms } = await timed(readStdin(new PassThrough(), { ...LIMITS, timeoutMs: 5000, readSync: scripted(['{"a":1}\n', 'EAGAIN']) }));
    assert.deepEqual(result, { ok: true, value: { a: 1 }, bytes: 8 });
    assert.ok(ms < 100, `${ms} ms`);
  });

  it('continues on the stream when only part has arrived', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, { ...LIMITS, readSync: scripted(['{"a":[1,', 'EAGAIN']) });
    source.end('2]}');
    assert.deepEqual(await reading, { ok: true, value: { a: [1, 2] }, bytes: 11 });
  });

  it('keeps counting past the cap, synchronously and then on the stream', async () => {
    const source = new PassThrough();
    const reading = readStdin(source, { ...LIMITS, readSync: scripted([Buffer.alloc(800, 0x20), Buffer.alloc(800, 0x20), 'EAGAIN']) });
    source.end(Buffer.alloc(400, 0x20));
    assert.deepEqual(await reading, { ok: false, reason: 'too_large', bytes: 2000 });
  });

  it('turns a read failure into read_error', async () => {
    assert.deepEqual(await readStdin(new PassThrough(), { ...LIMITS, readSync: scripted(['{"a"', 'EIO']) }), { ok: false, reason: 'read_error', bytes: 4 });
  });

  it('still honours the deadline when nothing was there', async () => {
    const { result, ms } = await timed(readStdin(new PassThrough(), { ...LIMITS, readSync: scripted(['EAGAIN']) }));
    assert.deepEqual(result, { ok: false, reason: 'read_timeout', bytes: 0 });
    assert.ok(ms >= 290 && ms < 1000, `${ms} ms`);
  });
});

describe('classifyInput', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['empty', Buffer.alloc(0), 'empty_input'],
    ['whitespace', Buffer.from(' \r\n\t'), 'empty_input'],
    ['a lone brace', Buffer.from('{'), 'invalid_json'],
    ['trailing garbage', Buffer.from('{} x'), 'invalid_json'],
    ['array', Buffer.from('[1,2]'), 'not_an_object'],
    ['string', Buffer.from('"str"'), 'not_an_object'],
    ['number', Buffer.from('1'), 'not_an_object'],
    ['null', Buffer.from('null'), 'not_an_object'],
    ['NUL byte', Buffer.from('{"a":"\u0000"}'), 'binary_input'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'binary_input'],
    ['a lone surrogate byte sequence', Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), 'binary_input'],
  ];
  for (const [name, input, reason] of cases) {
    it(`${name} → ${reason}`, () => {
      assert.deepEqual(classifyInput(input), { ok: false, reason, bytes: input.length });
    });
  }

  it('accepts an object, with or without a UTF-8 byte-order mark', () => {
    assert.deepEqual(classifyInput(Buffer.from('{"a":[1]}')), { ok: true, value: { a: [1] }, bytes: 9 });
    assert.deepEqual(classifyInput(Buffer.from('\ufeff{"a":1}')), { ok: true, value: { a: 1 }, bytes: 10 });
  });
});
