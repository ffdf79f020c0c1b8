// Where the daemon keeps its files in the data folder: the lock, the pid file, the control
// socket, the log, and the record of a managed Redis. One place, so the daemon, the CLI and
// (later) the VS Code extension agree on every path.
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';

export interface DaemonPaths {
  home: string;
  /** A small SQLite file the running daemon keeps exclusively locked (see daemon-lock.ts). */
  lock: string;
  /** The running daemon's pid and start time, written once it holds the lock. */
  pidFile: string;
  /** Control socket (JSON lines, see control-protocol.ts). */
  socket: string;
  logFolder: string;
  log: string;
  /** The Redis the daemon started itself, so hooks and later daemons find it. */
  managedRedisRecord: string;
  /** Data folder (AOF) of the managed Redis. */
  redisFolder: string;
}

/**
 * Unix socket paths are limited to 108 bytes on Linux and 104 on macOS, terminating NUL
 * included; a deep BLUEPLANE_HOME would make listen() fail, so past this length the socket
 * moves to a short per-user folder under the temp dir.
 */
export const MAX_SOCKET_PATH_BYTES = 100;

export const SOCKET_FILE = 'daemon.sock';

export function daemonPaths(home: string, uid: number = process.getuid?.() ?? 0): DaemonPaths {
  const logFolder = join(home, 'logs');
  return {
    home,
    lock: join(home, 'daemon.lock'),
    pidFile: join(home, 'daemon.pid'),
    socket: controlSocketPath(home, uid),
    logFolder,
    log: join(logFolder, 'daemon.log'),
    managedRedisRecord: join(home, 'managed-redis.json'),
    redisFolder: join(home, 'redis'),
  };
}

/** `<home>/daemon.sock`, or `<tmpdir>/blueplane-<uid>/<hash of home>.sock` when that is too long. */
export function controlSocketPath(home: string, uid: number): string {
  const inHome = join(home, SOCKET_FILE);
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const key = createHash('sha256').update(home).digest('hex').slice(0, 16);
  return join(tmpdir(), `blueplane-${uid}`, `${key}.sock`);
}

/**
 * Creates the folder holding the socket when it is not the data folder. The temp dir is shared
 * with other users, so a folder that is a symlink or belongs to someone else is refused rather
 * than used: whoever owns it could replace our socket.
 */
export function ensureSocketFolder(socketPath: string, home: string, uid: number = process.getuid?.() ?? 0): void {
  const folder = join(socketPath, '..');
  if (folder === home) return;
  ensurePrivateFolder(folder);
  const stats = lstatSync(folder);
  if (!stats.isDirectory() || stats.uid !== uid || (stats.mode & 0o077) !== 0) {
    throw new Error(`${folder} must be a private folder (mode 0700) owned by this user; remove it or use a shorter BLUEPLANE_HOME`);
  }
}
