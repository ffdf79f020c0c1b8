// Date.prototype.toISOString without its first-call cost: V8 loads the time zone database the
// first time a process formats a date (reading /etc/localtime and resolving its links, ~0.2 ms
// of a hook's start-up), even for UTC output. The UTC getters need no time zone.

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** Exactly `new Date(ms).toISOString()`: `2026-12-03T14:05:09.123Z`. */
export function utcIsoString(ms: number): string {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  // Outside 0000-9999 toISOString switches to a signed six-digit year; let it.
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}
