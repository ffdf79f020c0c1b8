// The data folder (BLUEPLANE_HOME): created private (0700), and the per-install secret that
// keys every hash (HMAC-SHA-256), created once with mode 0600 and never overwritten.
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secureRandomBytes } from './event/uuid-v7.ts';

export const SECRET_FILE = 'secret.key';
/** The local API's bearer token (same format and care as the secret). */
export const API_TOKEN_FILE = 'api-token';
export const SPOOL_FOLDER = 'spool';

/** Creates the folder (and parents) if needed; a folder we create is 0700. Returns the path. */
export function ensurePrivateFolder(path: string): string {
  const created = mkdirSync(path, { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(path, 0o700);
  return path;
}

export function spoolFolder(home: string): string {
  return join(home, SPOOL_FOLDER);
}

function readSecret(path: string): Buffer | undefined {
  try {
    const hex = readFileSync(path, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Returns the install secret, creating it on first use. Safe when many hooks start at once:
 * the secret is written to a private temp file and hard-linked into place, so a reader never
 * sees a half-written file and the first writer wins.
 */
export function loadOrCreateSecret(home: string): Buffer {
  return loadOrCreateKeyFile(home, SECRET_FILE);
}

/** 32 random bytes kept as hex in `home/name` (0600), created on first use as the secret is. */
export function loadOrCreateKeyFile(home: string, name: string): Buffer {
  const path = join(home, name);
  // Read first: on every run but the first the folder exists, and a hook saves the mkdir.
  const existing = readSecret(path);
  if (existing) return existing;
  ensurePrivateFolder(home);
  const temp = `${path}.${process.pid}.${secureRandomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${secureRandomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const secret = readSecret(path);
  if (!secret) throw new Error(`${path} does not hold a valid key; delete it to let Blueplane create a new one`);
  return secret;
}
