// The local API the daemon serves: REST under /api/v1 (routes.ts), its OpenAPI document, and the
// WebSockets of live-feed.ts, on one HTTP server bound to loopback. Every request passes the guard
// (Host, Origin, token) before anything is read; every error is JSON {error: {status, message}}.
// The bound port (BLUEPLANE_API_PORT=0 picks a free one) is written to api.json in the data folder,
// which is where the CLI, the extension and tests find it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BlueplaneConfig } from '../config.ts';
import { API_TOKEN_FILE, loadOrCreateKeyFile } from '../data-folder.ts';
import { writeFileAtomic } from '../hooks-install/atomic-file.ts';
import type { Log } from '../log.ts';
import { MetricsQuery } from '../query/metrics-query.ts';
import { redisKeys } from '../redis-keys.ts';
import { ApiError, badRequest, notFound } from './api-error.ts';
import type { ApiSettings } from './api-settings.ts';
import { ApiStores } from './api-stores.ts';
import { LiveFeed, type Listener } from './live-feed.ts';
import { API_BASE, openApiDocument } from './openapi.ts';
import { parseQuery } from './query-params.ts';
import { checkRequest, type GuardSettings } from './request-guard.ts';
import { ROUTES, SESSION_NAME_PATTERN, type ApiData, type Route, type StreamedAnswer } from './routes.ts';

export const API_RECORD_FILE = 'api.json';
/** Largest request body read (POST /config); larger is a 413. */
const MAX_BODY_BYTES = 64 * 1024;
/** Messages a slow WebSocket client may have waiting before it is dropped. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface ApiRecord {
  port: number;
  host: string;
  pid: number;
}

export interface ApiServerOptions {
  config: BlueplaneConfig;
  settings: ApiSettings;
  env: Record<string, string | undefined>;
  log: Log;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

const COMPILED = ROUTES.map(compile);

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  response.end(text);
}

function sendError(response: ServerResponse, error: ApiError): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, error.status, { error: { status: error.status, message: error.message } });
}

function isStreamed(value: unknown): value is StreamedAnswer {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'stream';
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'send the body as application/json');
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The route for a path below the base, or the 404/405 to answer. */
function match(method: string, path: string): { route: Route; params: Record<string, string> } {
  let pathKnown = false;
  for (const { route, pattern, names } of COMPILED) {
    const found = pattern.exec(path);
    if (!found) continue;
    pathKnown = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    names.forEach((name, index) => {
      let value: string;
      try {
        value = decodeURIComponent(found[index + 1]!);
      } catch {
        throw badRequest(`${name} is not valid percent-encoding`);
      }
      if (!new RegExp(SESSION_NAME_PATTERN).test(value)) throw badRequest(`${name} must match ${SESSION_NAME_PATTERN}`);
      params[name] = value;
    });
    return { route, params };
  }
  if (pathKnown) throw new ApiError(405, `${method} is not allowed on ${API_BASE}${path}`);
  throw notFound(`no endpoint ${API_BASE}${path}; ${API_BASE}/openapi.json lists them`);
}

export class ApiServer {
  private readonly options: ApiServerOptions;
  private readonly stores: ApiStores;
  private readonly feed: LiveFeed;
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 4096, handleProtocols: (protocols) => (protocols.has('blueplane.v1') ? 'blueplane.v1' : false) });
  private readonly token: string;
  private guard: GuardSettings | undefined;
  private feedClients: { subscriber: Redis; reader: Redis } | undefined;

  constructor(options: ApiServerOptions) {
    this.options = options;
    const keys = redisKeys(options.config.redisPrefix);
    this.stores = new ApiStores(options.config, options.settings, options.env, keys);
    this.feed = new LiveFeed(keys, options.log);
    this.token = loadOrCreateKeyFile(options.config.home, API_TOKEN_FILE).toString('hex');
    this.server = createServer((request, response) => void this.answer(request, response));
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
  }

  /** Listens and records the port; rejects (EADDRINUSE, …) when the port cannot be had. */
  async start(): Promise<ApiRecord> {
    const { settings, config, log } = this.options;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(settings.port, settings.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    this.guard = { token: this.token, port, hostNames: [...new Set(['127.0.0.1', 'localhost', '::1', settings.host.toLowerCase()])], allowedOrigins: settings.allowedOrigins };
    const record: ApiRecord = { port, host: settings.host, pid: process.pid };
    writeFileAtomic(join(config.home, API_RECORD_FILE), `${JSON.stringify(record)}\n`, 0o600);
    log.info('api_listening', { port, loopback: ['127.0.0.1', 'localhost', '::1'].includes(settings.host) });
    return record;
  }

  /** Follows the daemon's Redis (undefined in spool-only mode). */
  useRedis(url: string | undefined): void {
    const redis = this.stores.useRedis(url);
    this.feedClients?.subscriber.disconnect();
    this.feedClients?.reader.disconnect();
    this.feedClients = redis ? { subscriber: redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null }), reader: redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null }) } : undefined;
    for (const client of this.feedClients ? [this.feedClients.subscriber, this.feedClients.reader] : []) client.on('error', () => undefined);
    this.feed.use(this.feedClients && redis ? { ...this.feedClients, metrics: new MetricsQuery(redis, redisKeys(this.options.config.redisPrefix)) } : undefined);
  }

  get data(): ApiData {
    return this.stores;
  }

  async close(): Promise<void> {
    this.feed.close();
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.feedClients?.subscriber.disconnect();
    this.feedClients?.reader.disconnect();
    this.stores.close();
    rmSync(join(this.options.config.home, API_RECORD_FILE), { force: true });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      checkRequest(request, this.guard!);
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (!url.pathname.startsWith(`${API_BASE}/`)) throw notFound(`no endpoint ${url.pathname}; the API lives under ${API_BASE}`);
      const path = url.pathname.slice(API_BASE.length);
      const method = request.method ?? 'GET';
      if (path === '/openapi.json' && method === 'GET') {
        sendJson(response, 200, openApiDocument(this.guard!.port));
        return;
      }
      const { route, params } = match(method, path);
      const query = parseQuery(url.searchParams, route.params);
      const body = route.body ? await readBody(request) : undefined;
      const result = await route.handle({ query, path: params, body, data: this.stores });
      if (isStreamed(result)) {
        response.writeHead(200, { 'content-type': result.contentType, 'content-disposition': `attachment; filename="${result.fileName}"`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        await result.write(response);
        response.end();
        return;
      }
      sendJson(response, 200, result);
    } catch (error) {
      if (error instanceof ApiError) {
        sendError(response, error);
        return;
      }
      this.options.log.error('api_request_failed', { code: (error as Error).name });
      sendError(response, new ApiError(500, 'the daemon could not answer; its log (blueplane status shows where) has the reason'));
    }
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let listener: (send: (message: object) => void) => Listener;
    try {
      checkRequest(request, this.guard!);
      listener = this.listenerFor(new URL(request.url ?? '/', 'http://localhost'));
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      const message = error instanceof ApiError ? error.message : 'the daemon could not answer';
      const body = JSON.stringify({ error: { status, message } });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Refused'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (client: WebSocket) => {
      const entry = listener((message) => {
        if (client.readyState !== client.OPEN) return;
        if (client.bufferedAmount > MAX_BUFFERED_BYTES) client.terminate();
        else client.send(JSON.stringify(message));
      });
      this.feed.add(entry);
      client.on('close', () => this.feed.remove(entry));
      client.on('error', () => this.feed.remove(entry));
      client.on('message', () => undefined);
    });
  }

  private listenerFor(url: URL): (send: (message: object) => void) => Listener {
    const path = url.pathname;
    const only = (allowed: readonly string[]): void => {
      for (const name of url.searchParams.keys()) if (!allowed.includes(name)) throw badRequest(`unknown parameter ${name.slice(0, 40)} for ${path}`);
    };
    if (path === '/ws/metrics') {
      only([]);
      return (send) => ({ kind: 'metrics', send });
    }
    if (path === '/ws/events') {
      only(['session_id']);
      const name = url.searchParams.get('session_id');
      if (name !== null && !new RegExp(SESSION_NAME_PATTERN).test(name)) throw badRequest(`session_id must match ${SESSION_NAME_PATTERN}`);
      const sessionUuid = name === null ? undefined : this.sessionUuidOf(name);
      return (send) => ({ kind: 'events', sessionUuid, send });
    }
    const session = /^\/ws\/sessions\/([^/]+)$/.exec(path);
    if (session) {
      only([]);
      const name = decodeURIComponent(session[1]!);
      if (!new RegExp(SESSION_NAME_PATTERN).test(name)) throw badRequest(`the session must match ${SESSION_NAME_PATTERN}`);
      const sessionUuid = this.sessionUuidOf(name);
      return (send) => ({ kind: 'session', sessionUuid, send });
    }
    throw notFound(`no WebSocket ${path}; there are /ws/metrics, /ws/events and /ws/sessions/{id}`);
  }

  /** A stored session's UUID by any of its names; a session not stored yet is taken as a UUID to wait for. */
  private sessionUuidOf(name: string): string {
    try {
      const match = this.stores.sessions().find(name);
      return match.kind === 'found' ? match.session.id : name;
    } catch {
      return name;
    }
  }
}
