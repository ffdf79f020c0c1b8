// The daemon's log file: the structured lines of core/log.ts, appended synchronously to
// <home>/logs/daemon.log (folder 0700, file 0600), with size-based rotation that keeps one
// previous file (daemon.log.1). Also turns errors into log fields that cannot carry event content.
import { appendFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateFolder } from '../data-folder.ts';
import { formatLogLine } from '../log.ts';
import type { Log, LogFields, LogLevel } from '../log.ts';

export const DEFAULT_MAX_LOG_BYTES = 5 * 1024 * 1024;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface RotatingLogOptions {
  maxBytes?: number;
  minimum?: LogLevel;
}

/**
 * A detached daemon's stdout/stderr also point at this file (for what only the runtime can print,
 * such as a fatal V8 error). After a rotation they keep writing to daemon.log.1, which is fine:
 * they are for crashes, and the next start opens daemon.log again.
 */
export function rotatingFileLog(path: string, options: RotatingLogOptions = {}): Log {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  const minimum = LEVELS[options.minimum ?? 'info'];
  ensurePrivateFolder(dirname(path));
  let size = currentSize(path);
  const write = (level: LogLevel) => (event: string, fields?: LogFields) => {
    if (LEVELS[level] < minimum) return;
    const line = formatLogLine(level, event, fields);
    try {
      if (size + line.length > maxBytes) {
        // Other writers (stdio of a crash, another daemon that lost the lock) also append here:
        // rotate on the file's real size, not only on what this process wrote.
        size = currentSize(path);
        if (size + line.length > maxBytes) {
          renameSync(path, `${path}.1`);
          size = 0;
        }
      }
      appendFileSync(path, line, { mode: 0o600 });
      size += Buffer.byteLength(line);
    } catch {
      // A full or read-only disk must not take the daemon down with it.
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function currentSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Log fields for an error. Messages can quote the data that caused them (JSON.parse puts the
 * start of its input in quotes, a failed open names the file), so quoted spans are replaced by
 * "…": the log keeps the kind of failure and where it happened, never the data.
 */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error_name: typeof error };
  const code = (error as NodeJS.ErrnoException).code;
  const frame = error.stack
    ?.split('\n')
    .slice(1)
    .map((line) => line.trim())
    .find((line) => line.startsWith('at '));
  return {
    error_name: error.name,
    error_code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    error_message: redactQuoted(error.message),
    error_at: frame?.slice(3),
  };
}

export function redactQuoted(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '"…"');
}
