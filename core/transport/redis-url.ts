// Parses the Redis URL setting into what a client needs to connect. Shared by the hooks' tiny
// RESP client; kept free of imports so it costs nothing at hook start-up.
//
// Accepted:  redis://[[user]:password@]host[:port][/db]     (IPv6 host in brackets)
//            unix:///path/to/socket[?db=N][&password=P][&username=U]   (values percent-encoded)
//            redis+unix:// and redis+socket:// as aliases of unix://
// Refused:   rediss:// (TLS; the hook would pay for loading tls at start-up, so it spools and the
//            daemon delivers), anything else, and malformed values.

export interface RedisAuth {
  /** Empty string: the default user (AUTH <password>). */
  username: string;
  password: string;
}

export type RedisEndpoint =
  | { kind: 'tcp'; host: string; port: number; db: number; auth?: RedisAuth }
  | { kind: 'unix'; path: string; db: number; auth?: RedisAuth };

export type ParsedRedisUrl =
  | { ok: true; endpoint: RedisEndpoint }
  | { ok: false; reason: 'tls_unsupported' | 'unsupported_scheme' | 'invalid' };

export const DEFAULT_REDIS_PORT = 6379;

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A database index: a plain non-negative integer (Redis allows up to the configured `databases`). */
function parseDb(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text === '') return 0;
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}

/** AUTH is sent when there is a password; a bare user name (redis://user@host) sends nothing. */
function authFrom(username: string | undefined, password: string | undefined): RedisAuth | undefined | null {
  if (username === undefined || password === undefined) return null;
  return password === '' ? undefined : { username, password };
}

export function parseRedisUrl(value: string): ParsedRedisUrl {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const scheme = url.protocol;
  if (scheme === 'rediss:') return { ok: false, reason: 'tls_unsupported' };

  if (scheme === 'unix:' || scheme === 'redis+unix:' || scheme === 'redis+socket:') {
    const path = decode(url.pathname);
    if (!path || path === '/' || url.hostname !== '') return { ok: false, reason: 'invalid' };
    const db = parseDb(url.searchParams.get('db'));
    const auth = authFrom(url.searchParams.get('username') ?? '', url.searchParams.get('password') ?? '');
    if (db === undefined || auth === null) return { ok: false, reason: 'invalid' };
    return { ok: true, endpoint: auth ? { kind: 'unix', path, db, auth } : { kind: 'unix', path, db } };
  }

  if (scheme !== 'redis:') return { ok: false, reason: 'unsupported_scheme' };
  // WHATWG URL keeps the brackets of an IPv6 literal; net.connect wants them off.
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
  const dbText = url.pathname.length > 1 ? url.pathname.slice(1) : url.searchParams.get('db');
  const db = parseDb(dbText);
  const auth = authFrom(decode(url.username), decode(url.password));
  if (!(port > 0 && port < 65536) || db === undefined || auth === null) return { ok: false, reason: 'invalid' };
  return { ok: true, endpoint: auth ? { kind: 'tcp', host, port, db, auth } : { kind: 'tcp', host, port, db } };
}

