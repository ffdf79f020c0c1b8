// ioredis clients for the daemon, from the same Redis URL setting the hooks read (parsed by the
// same code, so `unix://` sockets and `/db` mean the same thing to both). RESP2 replies: the stream
// commands' array shapes are then the documented ones on every server.
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { parseRedisUrl } from '../transport/redis-url.ts';

/** How the daemon reaches Redis: a URL, or a factory (managed Redis, tests) given the options the caller needs. */
export type RedisSource = string | ((options: RedisOptions) => Redis);

export function connectRedis(source: RedisSource, options: RedisOptions): Redis {
  const merged: RedisOptions = { protocol: 2, enableReadyCheck: true, ...options };
  if (typeof source === 'function') return source(merged);
  const parsed = parseRedisUrl(source);
  if (!parsed.ok) {
    // rediss:// (TLS) is for the daemon only, which can afford loading tls: ioredis reads the URL itself.
    if (parsed.reason === 'tls_unsupported') return new Redis(source, merged);
    throw new Error(`invalid Redis URL (${parsed.reason})`);
  }
  const { endpoint } = parsed;
  const auth = endpoint.auth ? { username: endpoint.auth.username || undefined, password: endpoint.auth.password } : {};
  return endpoint.kind === 'tcp'
    ? new Redis({ ...merged, host: endpoint.host, port: endpoint.port, db: endpoint.db, ...auth })
    : new Redis({ ...merged, path: endpoint.path, db: endpoint.db, ...auth });
}
