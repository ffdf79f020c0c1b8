// A Log that keeps its lines in memory, so a test can check what was logged (and that no event
// content ever was).
import type { Log, LogFields } from '../../core/log.ts';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  event: string;
  fields: LogFields;
}

export function memoryLog(): Log & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const write = (level: LoggedLine['level']) => (event: string, fields: LogFields = {}) => void lines.push({ level, event, fields });
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
