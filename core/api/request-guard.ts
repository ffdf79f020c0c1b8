// Who may talk to the local API: a request must name this server in Host (a DNS-rebinding page
// names its own domain), come from no browser origin or an allowed one (VS Code webviews, the
// user's list), and carry the data folder's token (Authorization: Bearer, or for a browser
// WebSocket, which cannot set headers, the subprotocol `blueplane.bearer.<token>`).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.ts';

export const TOKEN_SUBPROTOCOL_PREFIX = 'blueplane.bearer.';

export interface GuardSettings {
  token: string;
  /** The port the server is bound to. */
  port: number;
  /** Host names the server answers to (loopback names, plus a configured host). */
  hostNames: readonly string[];
  allowedOrigins: readonly string[];
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function tokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1];
  }
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols !== undefined) {
    for (const protocol of protocols.split(',').map((value) => value.trim())) {
      if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}

/** Throws the ApiError to answer with, or returns when the request may go on. */
export function checkRequest(request: IncomingMessage, settings: GuardSettings): void {
  const host = request.headers.host;
  const allowedHosts = settings.hostNames.map((name) => `${name.includes(':') ? `[${name}]` : name}:${settings.port}`);
  if (host === undefined || !allowedHosts.includes(host.toLowerCase())) {
    throw new ApiError(421, `Host ${host ?? '(none)'} is not this server; use http://127.0.0.1:${settings.port}`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !origin.startsWith('vscode-webview://') && !settings.allowedOrigins.includes(origin)) {
    throw new ApiError(403, `origin ${origin} may not use the Blueplane API; add it to api.allowedOrigins in config.json to allow it`);
  }
  const token = tokenOf(request);
  if (token === undefined) throw new ApiError(401, 'missing token: send Authorization: Bearer <token>, the token is in the data folder (api-token)');
  if (!sameToken(token, settings.token)) throw new ApiError(401, 'wrong token: read it again from the data folder (api-token)');
}
