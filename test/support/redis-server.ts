// A private redis-server for one test file (or one benchmark): 127.0.0.1 on a free port, its own
// temp dir, no persistence. It never touches 127.0.0.1:6379 or anyone else's data, and stop()
// kills exactly the process it started.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCommand, parseReply } from '../../core/transport/resp-xadd.ts';
import type { RespValue } from '../../core/transport/resp-xadd.ts';

export const REDIS_SERVER_BINARY = process.env.BLUEPLANE_TEST_REDIS_SERVER ?? 'redis-server';


export interface StartOptions {
  /** Extra `--name value` arguments, e.g. ['--requirepass', 'secret']. */
  args?: string[];
  /** Password the helper client uses (set it with --requirepass in args). */
  password?: string;
  /** Also listen on a unix socket in the temp dir. */
  unixSocket?: boolean;
}

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  /** Path of the unix socket when started with unixSocket. */
  socketPath?: string;
  /** One command on a fresh connection. */
  command(args: readonly string[]): Promise<RespValue>;
  /** All entries of a stream as [id, [field, value, ...]]. */
  xrange(key: string): Promise<Array<[string, string[]]>>;
  /** Keys matching a pattern (tests use their own unique prefixes). */
  keys(pattern: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was free a moment ago (never 6379). */
export async function freePort(): Promise<number> {
  for (;;) {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (port > 0 && port !== 6379) return port;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * A loopback port where nothing listens: the "Redis is down" case. A low, reserved port (tcpmux,
 * discard, ...) rather than a free ephemeral one: another test process on this machine could
 * start its own redis-server on a port that was free a moment ago, and the hook would deliver.
 */
export async function closedPort(): Promise<number> {
  for (const port of [1, 9, 11, 15, 17]) if (await refused(port)) return port;
  return freePort();
}

export async function closedPortUrl(): Promise<string> {
  return `redis://127.0.0.1:${await closedPort()}`;
}

export interface FakeRedis {
  url: string;
  port: number;
  /** Everything the most recent connection sent. */
  received(): string;
  /** Resolves at the next accepted connection. */
  nextConnection(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that plays Redis badly: `respond` sees all a connection has sent so
 * far and may answer; without it the server accepts and never says a word.
 */
export async function startFakeRedis(respond: (received: string, socket: Socket) => void = () => {}): Promise<FakeRedis> {
  let last = '';
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    let received = '';
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      last = received;
      respond(received, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    received: () => last,
    nextConnection: () => new Promise((resolve) => server.once('connection', () => resolve())),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends commands on one fresh connection; resolves with the last reply, rejects on an error reply. */
export function sendCommands(target: { port: number } | { path: string }, commands: ReadonlyArray<readonly string[]>, timeoutMs = 5000): Promise<RespValue> {
  return new Promise((resolve, reject) => {
    const socket = 'port' in target ? createConnection({ host: '127.0.0.1', port: target.port }) : createConnection({ path: target.path });
    let buffer = Buffer.alloc(0);
    let replies = 0;
    const timer = setTimeout(() => done(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
    const done = (error: Error | undefined, value?: RespValue): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value ?? null);
    };
    socket.on('error', (error) => done(error));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parseReply(buffer, 0);
        if (!parsed) return;
        buffer = buffer.subarray(parsed.next);
        if (parsed.reply.error) return done(new Error(parsed.reply.value));
        if (++replies === commands.length) return done(undefined, parsed.reply.value);
      }
    });
    socket.write(commands.map(encodeCommand).join(''));
  });
}

async function waitUntilReady(child: ChildProcess, port: number, password: string | undefined, log: () => string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited early:\n${log()}`);
    try {
      await sendCommands({ port }, password ? [['AUTH', password], ['PING']] : [['PING']], 1000);
      return;
    } catch (error) {
      if (Date.now() - started > 10_000) throw new Error(`redis-server not ready after 10 s (${(error as Error).message}):\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

export async function startRedis(options: StartOptions = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'blueplane-redis-'));
  const socketPath = options.unixSocket ? join(dir, 'redis.sock') : undefined;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''];
    if (socketPath) args.push('--unixsocket', socketPath, '--unixsocketperm', '700');
    args.push(...(options.args ?? []));
    const child = spawn(REDIS_SERVER_BINARY, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', (error) => (output += `\n${error.message}`));
    try {
      await waitUntilReady(child, port, options.password, () => output);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      // Another process may have taken the port between freePort() and the bind: try again.
      if (attempt < 3 && /Address already in use/i.test(output)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const auth: string[][] = options.password ? [['AUTH', options.password]] : [];
    const command = (commandArgs: readonly string[]): Promise<RespValue> => sendCommands({ port }, [...auth, commandArgs]);
    let stopped: Promise<void> | undefined;
    return {
      url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
      port,
      dir,
      ...(socketPath ? { socketPath } : {}),
      command,
      async xrange(key) {
        const reply = (await command(['XRANGE', key, '-', '+'])) as Array<[string, string[]]>;
        return reply;
      },
      async keys(pattern) {
        return (await command(['KEYS', pattern])) as string[];
      },
      stop() {
        stopped ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            await exited;
            clearTimeout(timer);
          }
          rmSync(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
}
