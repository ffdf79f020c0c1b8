// The values of the reading commands' options, checked where they are read: a value that does not
// fit is a UsageError naming the option, what it takes and the help to read (exit 2).
import type { ParsedArgs } from './args.ts';
import { UsageError } from './context.ts';

function refuse(option: string, value: string, expected: string, commandLine: string): never {
  throw new UsageError(`--${option} '${value}': expected ${expected}; run \`${commandLine} --help\``);
}

/** A whole number in [min, max], or `fallback` when the option is absent. */
export function integerOption(parsed: ParsedArgs, option: string, min: number, max: number, fallback: number, commandLine: string): number {
  const text = parsed.strings.get(option);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(value >= min && value <= max)) refuse(option, text, `a whole number from ${min} to ${max}`, commandLine);
  return value;
}

/** A number in [0, 1], or undefined when the option is absent. */
export function fractionOption(parsed: ParsedArgs, option: string, commandLine: string): number | undefined {
  const text = parsed.strings.get(option);
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!(value >= 0 && value <= 1)) refuse(option, text, 'a number from 0 to 1 (0.8 is 80 %)', commandLine);
  return value;
}

/** One of `choices`, or undefined when the option is absent. */
export function choiceOption<T extends string>(parsed: ParsedArgs, option: string, choices: readonly T[], commandLine: string): T | undefined {
  const text = parsed.strings.get(option);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) refuse(option, text, `one of ${choices.join(', ')}`, commandLine);
  return text as T;
}

/** A non-empty value without blanks (a hash, an id), or undefined when the option is absent. */
export function wordOption(parsed: ParsedArgs, option: string, commandLine: string): string | undefined {
  const text = parsed.strings.get(option);
  if (text === undefined) return undefined;
  if (!/^\S+$/.test(text)) refuse(option, text, 'a value without blanks', commandLine);
  return text;
}

const AGO_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A point in time as ISO-8601 UTC: a date (2026-12-01), a date and time, or a span back from `now` (90m, 24h, 7d). */
export function sinceOption(parsed: ParsedArgs, option: string, now: number, commandLine: string): string | undefined {
  const text = parsed.strings.get(option);
  if (text === undefined) return undefined;
  const ago = /^(\d+)([mhd])$/.exec(text.trim());
  const ms = ago ? now - Number(ago[1]) * AGO_MS[ago[2]!]! : /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (!Number.isFinite(ms)) refuse(option, text, 'a date (2026-12-01), a date and time (2026-12-01T09:00Z) or a span back from now (90m, 24h, 7d)', commandLine);
  return new Date(ms).toISOString();
}

/** Refuses positional arguments where a command takes none. */
export function noPositionals(parsed: ParsedArgs, commandLine: string): void {
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run \`${commandLine} --help\``);
}
