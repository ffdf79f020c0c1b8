// Structured log: one JSON object per line (time, level, event name, small scalar fields).
// Fields are numbers, booleans and short identifiers chosen by our code, never event content,
// so a log line can't carry code, paths or prompts even by accident.
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Log {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Strings in log fields are cut short: they are identifiers and reasons, not payloads. */
const MAX_FIELD_CHARS = 200;

export function formatLogLine(level: LogLevel, event: string, fields: LogFields = {}, now: Date = new Date()): string {
  const line: Record<string, string | number | boolean | null> = { time: now.toISOString(), level, event };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    line[key] = typeof value === 'string' && value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value;
  }
  return `${JSON.stringify(line)}\n`;
}

/** A log that appends to a file (synchronously: a crash must not lose the line that explains it). */
export function fileLog(path: string, minimum: LogLevel = 'info'): Log {
  const write = (level: LogLevel) => (event: string, fields?: LogFields) => {
    if (LEVELS[level] < LEVELS[minimum]) return;
    try {
      appendFileSync(path, formatLogLine(level, event, fields), { mode: 0o600 });
    } catch {
      // A full or read-only disk must not take the daemon down with it.
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A log that keeps nothing (tests, benchmarks). */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
