// Redis helpers of the daemon and the CLI: a quick reachability probe (same URL parser as the
// hooks), a URL form safe to print, readable connection errors, a deadline for any promise.
// ioredis clients themselves come from core/fast-path/redis-connection.ts.
import { createConnection } from 'node:net';
import { encodeCommand, parseReply } from '../transport/resp-xadd.ts';
import { parseRedisUrl } from '../transport/redis-url.ts';

/** The URL with any password replaced by ***, for logs and status. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export type RedisProbe = { reachable: true; processId: number | null } | { reachable: false; error: string };

/**
 * Connects, authenticates, asks for the server's pid (INFO server), disconnects; one deadline,
 * no retries. Over a bare socket with the hooks' RESP codec rather than ioredis: a refused
 * ioredis connection leaves its connect timer running, which kept a CLI that only wanted a
 * status alive for seconds.
 */
export function probeRedis(url: string, timeoutMs: number): Promise<RedisProbe> {
  const parsed = parseRedisUrl(url);
  if (!parsed.ok) {
    return Promise.resolve({ reachable: false, error: parsed.reason === 'tls_unsupported' ? 'TLS (rediss://) is not supported for the probe' : `not a Redis URL (${parsed.reason})` });
  }
  const endpoint = parsed.endpoint;
  const commands: string[][] = [];
  if (endpoint.auth) commands.push(endpoint.auth.username ? ['AUTH', endpoint.auth.username, endpoint.auth.password] : ['AUTH', endpoint.auth.password]);
  if (endpoint.db !== 0) commands.push(['SELECT', String(endpoint.db)]);
  commands.push(['INFO', 'server']);
  return new Promise((resolve) => {
    const socket = endpoint.kind === 'tcp' ? createConnection({ host: endpoint.host, port: endpoint.port }) : createConnection({ path: endpoint.path });
    let buffer = Buffer.alloc(0);
    let replies = 0;
    const finish = (probe: RedisProbe): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => finish({ reachable: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (error) => finish({ reachable: false, error: describeRedisError(error) }));
    socket.on('close', () => finish({ reachable: false, error: 'connection closed' }));
    socket.on('connect', () => socket.write(commands.map(encodeCommand).join('')));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let parsedReply;
      while ((parsedReply = parseReply(buffer, 0))) {
        buffer = buffer.subarray(parsedReply.next);
        const { reply } = parsedReply;
        if (reply.error) return finish({ reachable: false, error: `Redis answered: ${String(reply.value)}` });
        if (++replies < commands.length) continue;
        const match = /^process_id:(\d+)/m.exec(String(reply.value));
        return finish({ reachable: true, processId: match ? Number(match[1]) : null });
      }
    });
  });
}

export function describeRedisError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOENT') return 'no such socket';
  if (code === 'ETIMEDOUT') return 'connect timed out';
  return (error as Error).message || String(error);
}

/** Resolves with the promise's value, or rejects when it takes longer than timeoutMs. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
