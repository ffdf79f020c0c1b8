// The control socket: JSON lines in, one typed response per request, private file mode, a stale
// socket file replaced, garbage answered with an error instead of a crash.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlUnavailableError, queryDaemonStatus, requestDaemon } from '../../core/daemon/control-client.ts';
import { CONTROL_PROTOCOL_VERSION, MAX_CONTROL_LINE_BYTES, parseControlRequest, parseControlResponse } from '../../core/daemon/control-protocol.ts';
import type { ControlRequest, ControlResponse, DaemonStatus } from '../../core/daemon/control-protocol.ts';
import { ControlServer } from '../../core/daemon/control-server.ts';
import { silentLog } from '../../core/log.ts';

const STATUS = { pid: 42, state: 'running' } as unknown as DaemonStatus;

function rawExchange(path: string, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.split('\n').length > text.split('\n').filter(Boolean).length) socket.end();
    });
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
  });
}

describe('daemon control socket', () => {
  let folder: string;
  let path: string;
  let server: ControlServer;
  const handled: ControlRequest[] = [];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'bp-control-'));
    path = join(folder, 'daemon.sock');
    handled.length = 0;
    server = new ControlServer(
      path,
      async (request): Promise<ControlResponse> => {
        handled.push(request);
        return request.type === 'status'
          ? { type: 'status', protocol: CONTROL_PROTOCOL_VERSION, status: STATUS }
          : { type: 'stopping', protocol: CONTROL_PROTOCOL_VERSION, pid: 42 };
      },
      silentLog,
    );
  });
  afterEach(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers status and stop with typed responses; the socket file is mode 0600', async () => {
    await server.listen();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await queryDaemonStatus(path, 1000), STATUS);
    const stop = await requestDaemon(path, { type: 'stop' }, 1000);
    assert.deepEqual(stop, { type: 'stopping', protocol: CONTROL_PROTOCOL_VERSION, pid: 42 });
    assert.deepEqual(handled.map((request) => request.type), ['status', 'stop']);
  });

  it('replaces a stale socket file left by a dead daemon, and removes its own on close', async () => {
    writeFileSync(path, 'left behind');
    await server.listen();
    assert.ok(statSync(path).isSocket());
    await server.close();
    assert.equal(existsSync(path), false);
    await server.close();
  });

  it('answers several requests on one connection in order, and an unknown one with an error', async () => {
    await server.listen();
    const replies = (await rawExchange(path, '{"type":"status"}\nnot json\n{"type":"launch"}\n{"type":"stop"}\n')).trim().split('\n');
    assert.deepEqual(
      replies.map((line) => parseControlResponse(line)?.type),
      ['status', 'error', 'error', 'stopping'],
    );
  });

  it('closes a connection that sends an endless line, and keeps serving others', async () => {
    await server.listen();
    await rawExchange(path, 'x'.repeat(MAX_CONTROL_LINE_BYTES + 10));
    assert.deepEqual(await queryDaemonStatus(path, 1000), STATUS);
  });

  it('a handler that throws is an error response, not a crash', async () => {
    const failing = new ControlServer(join(folder, 'failing.sock'), async () => {
      throw new Error('redis gone');
    }, silentLog);
    await failing.listen();
    try {
      const response = await requestDaemon(join(folder, 'failing.sock'), { type: 'status' }, 1000);
      assert.equal(response.type, 'error');
      assert.match(response.type === 'error' ? response.message : '', /status failed: redis gone/);
    } finally {
      await failing.close();
    }
  });

  it('the client says "not listening" when there is no daemon, and times out on a silent one', async () => {
    await assert.rejects(requestDaemon(path, { type: 'status' }, 500), (error: unknown) => error instanceof ControlUnavailableError && error.reason === 'not_listening');
    assert.equal(await queryDaemonStatus(path, 500), undefined);
    const silent = new ControlServer(path, () => new Promise(() => {}), silentLog);
    await silent.listen();
    try {
      await assert.rejects(requestDaemon(path, { type: 'status' }, 200), (error: unknown) => error instanceof ControlUnavailableError && error.reason === 'timeout');
    } finally {
      await silent.close();
    }
  });

  it('parses only well-formed messages', () => {
    assert.deepEqual(parseControlRequest('{"type":"status","extra":1}'), { type: 'status' });
    assert.equal(parseControlRequest('{"type":"exec"}'), undefined);
    assert.equal(parseControlRequest('[]'), undefined);
    assert.equal(parseControlResponse('{"type":"stopping","pid":1}'), undefined, 'protocol version required');
    assert.equal(parseControlResponse('{"type":"stopping","protocol":1}'), undefined);
    assert.equal(parseControlResponse('{"type":"error","protocol":1,"message":"m"}')?.type, 'error');
  });
});
