// The spool: where a hook puts its event when Redis cannot take it. One JSON envelope per line in
// BLUEPLANE_HOME/spool/<platform>-<YYYYMMDDHH UTC>.jsonl. Each line is written with a single
// write(2) on an O_APPEND descriptor, so many hooks appending at once never interleave.
//
// Contract with the daemon's drain: it renames a file (to any name that does not match
// SPOOL_FILE_PATTERN) before reading it, so hooks that start afterwards create a new file, and
// it replays each line with its own event_id (idempotent downstream).
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform, TelemetryEvent } from '../event/envelope.ts';
import { utcIsoString } from '../capture/utc-time.ts';
import { ensurePrivateFolder, spoolFolder } from '../data-folder.ts';

/** Names of live spool files: `claude_code-2026082207.jsonl`. Group 1: platform; group 2: UTC hour. */
export const SPOOL_FILE_PATTERN = /^(claude_code|cursor)-(\d{10})\.jsonl$/;

export const SPOOL_FILE_MODE = 0o600;

/** `<platform>-<YYYYMMDDHH>.jsonl`, the hour in UTC. */
export function spoolFileName(platform: Platform, at: Date = new Date()): string {
  const hour = utcIsoString(at.getTime()).slice(0, 13).replace(/[-T]/g, '');
  return `${platform}-${hour}.jsonl`;
}

/**
 * Appends one event as one line and returns the file's path. Synchronous on purpose: it is also
 * the last thing a hook does in a signal handler or watchdog, right before process.exit.
 */
export function appendToSpool(home: string, event: TelemetryEvent, at: Date = new Date()): string {
  const folder = spoolFolder(home);
  const path = join(folder, spoolFileName(event.platform, at));
  const line = Buffer.from(`${JSON.stringify(event)}\n`);
  const open = (): number => openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, SPOOL_FILE_MODE);
  let fd: number;
  try {
    fd = open();
  } catch (error) {
    // The folder is made on first use only: one mkdir less for every other spooled event.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    ensurePrivateFolder(folder);
    fd = open();
  }
  try {
    const written = writeSync(fd, line);
    if (written !== line.length) throw new Error(`short write to ${path} (${written} of ${line.length} bytes)`);
  } finally {
    closeSync(fd);
  }
  return path;
}
