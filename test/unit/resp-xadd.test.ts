// The hooks' RESP client against scripted fake servers: what goes on the wire, how replies that
// arrive in pieces are read, and that every failure resolves (never throws) within the deadline.
import assert from 'node:assert/strict';
import { encodeCommand, parseReply, xadd } from '../../core/transport/resp-xadd.ts';
import type { RedisEndpoint } from '../../core/transport/redis-url.ts';
import { closedPort, startFakeRedis } from '../support/redis-server.ts';

const tcp = (port: number, extra: Partial<Extract<RedisEndpoint, { kind: 'tcp' }>> = {}): RedisEndpoint => ({ kind: 'tcp', host: '127.0.0.1', port, db: 0, ...extra });
const FIELDS = ['event_id', 'e1', 'data', '{"é":1}'];

describe('RESP encoding and replies', () => {
  it('encodes commands as arrays of bulk strings, lengths in bytes', () => {
    assert.equal(encodeCommand(['XADD', 'k', '*', 'd', 'é']), '*5\r\n$4\r\nXADD\r\n$1\r\nk\r\n$1\r\n*\r\n$1\r\nd\r\n$2\r\né\r\n');
  });

  it('reads status, error, integer and bulk replies, and waits for incomplete ones', () => {
    const buffer = Buffer.from('+OK\r\n-ERR no\r\n:12\r\n$5\r\n1-2-3\r\n$-1\r\n');
    let offset = 0;
    const replies = [];
    for (let parsed = parseReply(buffer, offset); parsed; parsed = parseReply(buffer, offset)) {
      replies.push(parsed.reply);
      offset = parsed.next;
    }
    assert.deepEqual(replies, [
      { error: false, value: 'OK' },
      { error: true, value: 'ERR no' },
      { error: false, value: 12 },
      { error: false, value: '1-2-3' },
      { error: false, value: null },
    ]);
    const nested = Buffer.from('*2\r\n*2\r\n$3\r\n1-0\r\n*0\r\n:7\r\n');
    assert.deepEqual(parseReply(nested, 0), { reply: { error: false, value: [['1-0', []], 7] }, next: nested.length });
    assert.equal(parseReply(Buffer.from('$5\r\n1-2'), 0), undefined);
    assert.equal(parseReply(Buffer.from('*2\r\n+OK\r\n'), 0), undefined);
    assert.equal(parseReply(Buffer.from('+OK'), 0), undefined);
  });
});

describe('xadd', () => {
  it('pipelines AUTH and XADD in one write and returns the entry id, even when the reply comes byte by byte', async () => {
    const reply = '+OK\r\n$15\r\n1700000000000-0\r\n';
    const fake = await startFakeRedis((received, socket) => {
      if (received.includes('XADD')) {
        for (let i = 0; i < reply.length; i++) setTimeout(() => socket.write(reply[i]!), i);
      }
    });
    try {
      const result = await xadd(tcp(fake.port, { auth: { username: 'u', password: 'p w' } }), 'pre:telemetry:events', FIELDS, 2000);
      assert.deepEqual(result, { ok: true, id: '1700000000000-0' });
      assert.equal(fake.received(), encodeCommand(['AUTH', 'u', 'p w']) + encodeCommand(['XADD', 'pre:telemetry:events', '*', ...FIELDS]));
    } finally {
      await fake.close();
    }
  });

  it('sends AUTH with the password alone for the default user', async () => {
    const fake = await startFakeRedis((received, socket) => {
      if (received.includes('XADD')) socket.write('+OK\r\n$3\r\n1-0\r\n');
    });
    try {
      assert.deepEqual(await xadd(tcp(fake.port, { auth: { username: '', password: 'pw' } }), 'k', FIELDS, 2000), { ok: true, id: '1-0' });
      assert.ok(fake.received().startsWith(encodeCommand(['AUTH', 'pw'])));
    } finally {
      await fake.close();
    }
  });

  it('sends XADD only after SELECT succeeded', async () => {
    const fake = await startFakeRedis((received, socket) => {
      if (received === encodeCommand(['SELECT', '3'])) socket.write('+OK\r\n');
      else if (received.includes('XADD')) socket.write('$3\r\n1-0\r\n');
    });
    try {
      assert.deepEqual(await xadd(tcp(fake.port, { db: 3 }), 'k', FIELDS, 2000), { ok: true, id: '1-0' });
    } finally {
      await fake.close();
    }
  });

  it('never sends XADD when SELECT fails', async () => {
    const fake = await startFakeRedis((_, socket) => socket.write('-ERR DB index is out of range\r\n'));
    try {
      const result = await xadd(tcp(fake.port, { db: 99 }), 'k', FIELDS, 2000);
      assert.deepEqual(result, { ok: false, error: 'SELECT: ERR DB index is out of range' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(!fake.received().includes('XADD'));
    } finally {
      await fake.close();
    }
  });

  it('fails on an error reply to AUTH or XADD', async () => {
    const fake = await startFakeRedis((received, socket) => {
      if (received.includes('XADD')) socket.write('-WRONGPASS invalid username-password pair\r\n-NOAUTH Authentication required.\r\n');
    });
    try {
      assert.deepEqual(await xadd(tcp(fake.port, { auth: { username: '', password: 'x' } }), 'k', FIELDS, 2000), {
        ok: false,
        error: 'AUTH: WRONGPASS invalid username-password pair',
      });
    } finally {
      await fake.close();
    }
  });

  it('fails when the connection is refused', async () => {
    const result = await xadd(tcp(await closedPort()), 'k', FIELDS, 2000);
    assert.deepEqual(result, { ok: false, error: 'ECONNREFUSED' });
  });

  it('fails when the unix socket does not exist', async () => {
    const result = await xadd({ kind: 'unix', path: '/nonexistent/blueplane.sock', db: 0 }, 'k', FIELDS, 2000);
    assert.equal(result.ok, false);
  });

  it('fails when the server closes without answering', async () => {
    const fake = await startFakeRedis((_, socket) => socket.end());
    try {
      assert.deepEqual(await xadd(tcp(fake.port), 'k', FIELDS, 2000), { ok: false, error: 'connection closed before the reply' });
    } finally {
      await fake.close();
    }
  });

  it('gives up at the one overall deadline when the server stays silent', async () => {
    const fake = await startFakeRedis(() => {});
    try {
      const started = Date.now();
      const result = await xadd(tcp(fake.port), 'k', FIELDS, 150);
      const elapsed = Date.now() - started;
      assert.deepEqual(result, { ok: false, error: 'no reply within 150 ms' });
      assert.ok(elapsed >= 140 && elapsed < 1000, `${elapsed} ms`);
    } finally {
      await fake.close();
    }
  });

  it('fails when XADD answers with something that is not an entry id', async () => {
    const fake = await startFakeRedis((_, socket) => socket.write('*1\r\n$1\r\nx\r\n'));
    try {
      const result = await xadd(tcp(fake.port), 'k', FIELDS, 2000);
      assert.equal(result.ok, false);
    } finally {
      await fake.close();
    }
  });
});
