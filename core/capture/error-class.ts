// Error classes (METRICS.md): a failure's kind is kept, its message never is.
import type { ErrorClass } from '../event/envelope.ts';

const RULES: ReadonlyArray<[ErrorClass, RegExp]> = [
  ['interrupted', /\binterrupt|\baborted by user|user (?:rejected|denied|cancel)/i],
  ['timeout', /timed? ?out|timeout|ETIMEDOUT|deadline exceeded/i],
  ['permission', /EACCES|EPERM|permission|not permitted|forbidden|denied|unauthori[sz]ed|\b40[13]\b/i],
  ['not_found', /ENOENT|not found|no such file|does not exist|cannot find|could not find|\b404\b|unknown (?:command|file)/i],
  ['network', /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|network|fetch failed|socket hang up|getaddrinfo|\b50[234]\b/i],
  ['invalid_input', /InputValidationError|invalid|must be|is required|expected .* (?:got|but)|malformed|unexpected token|parse error|syntax error/i],
  ['non_zero_exit', /exit (?:code|status) [1-9]|exited with|non-?zero/i],
];

/** Classifies an error text; the text itself is discarded by the caller. */
export function classifyError(message: string | undefined, isInterrupt?: boolean): ErrorClass {
  if (isInterrupt) return 'interrupted';
  if (!message) return 'other';
  if (exitCodeFrom(message) !== undefined) return 'non_zero_exit';
  const head = message.slice(0, 2000);
  for (const [errorClass, pattern] of RULES) if (pattern.test(head)) return errorClass;
  return 'other';
}

/** "Exit code 2" at the start of Claude Code's Bash failure text. */
export function exitCodeFrom(message: string | undefined): number | undefined {
  const match = message ? /^\s*Exit code (\d{1,3})\b/.exec(message) : null;
  return match ? Number(match[1]) : undefined;
}
