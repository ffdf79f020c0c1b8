// Where the local API listens and whom it answers: BLUEPLANE_API_PORT (0 = any free port), then
// config.json `api.port` / `api.host` / `api.allowedOrigins`, then 127.0.0.1:7531. Loopback only
// unless the user names another host; browsers' pages are kept out by the Host and Origin checks
// and the token (request-guard.ts).
import { readConfigFile } from '../config.ts';

export const DEFAULT_API_PORT = 7531;
export const DEFAULT_API_HOST = '127.0.0.1';

export interface ApiSettings {
  host: string;
  port: number;
  /** Origins allowed besides none at all (CLI, extension host) and VS Code webviews. */
  allowedOrigins: string[];
}

function portOf(value: unknown): number | undefined {
  const port = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : undefined;
}

export function loadApiSettings(home: string, env: Record<string, string | undefined>, onProblem: (message: string) => void = () => {}): ApiSettings {
  const file = readConfigFile(home, onProblem);
  const api = (file.api && typeof file.api === 'object' ? file.api : {}) as Record<string, unknown>;
  let port = portOf(api.port) ?? DEFAULT_API_PORT;
  if (env.BLUEPLANE_API_PORT !== undefined && env.BLUEPLANE_API_PORT.trim() !== '') {
    const fromEnv = portOf(env.BLUEPLANE_API_PORT);
    if (fromEnv === undefined) onProblem(`BLUEPLANE_API_PORT=${env.BLUEPLANE_API_PORT} is not a port (0-65535); using ${port}`);
    else port = fromEnv;
  }
  const host = typeof api.host === 'string' && api.host.trim() !== '' ? api.host.trim() : DEFAULT_API_HOST;
  const allowedOrigins = Array.isArray(api.allowedOrigins) ? api.allowedOrigins.filter((origin): origin is string => typeof origin === 'string') : [];
  return { host, port, allowedOrigins };
}
