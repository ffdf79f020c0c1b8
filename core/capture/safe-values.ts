// The only ways a value from a hook payload may reach an event: numbers, booleans, names from
// closed vocabularies, ids, keyed hashes, and counts of text. Nothing here ever returns a piece of
// free text, so a caller cannot leak code, paths, prompts, commands or secrets by mistake.
import type { EventPayload } from '../event/envelope.ts';
import { isUuid } from '../event/uuid-v7.ts';
import { hmacSha256Hex } from './hmac-sha256.ts';

export type Hasher = (value: string) => string;

/** HMAC-SHA-256 keyed by the install secret, 16 hex characters (64 bits): enough to tell files and projects apart. */
export function createHasher(secret: Buffer): Hasher {
  const hmac = hmacSha256Hex(secret);
  // An event hashes the same folder twice in a row when the project is the working directory
  // (the usual case), and a hash costs a hook tens of microseconds of cold code: keep the last
  // one (only the last, so long-lived hashers in the daemon hold nothing).
  let lastValue: string | undefined;
  let lastHash = '';
  return (value) => {
    if (value !== lastValue) {
      lastHash = hmac(value).slice(0, 16);
      lastValue = value;
    }
    return lastHash;
  };
}

const SECRET_PREFIX = /^(?:sk|pk|rk)[-_]|^(?:ghp|gho|ghs|ghu|ghr)_|^github_pat_|^xox[abprs]-|^(?:AKIA|ASIA|AIza)|^glpat-|^eyJ|^npm_|^hf_/;
const LONG_RANDOM_RUN = /[A-Za-z0-9]{24,}/;
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;

/** True for strings shaped like credentials (known key prefixes, long random runs, e-mail addresses). */
export function looksSecret(value: string): boolean {
  return SECRET_PREFIX.test(value) || LONG_RANDOM_RUN.test(value) || EMAIL.test(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A non-negative finite number, rounded to an integer (counts, milliseconds, tokens). */
export function count(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? Math.round(number) : undefined;
}

/** A percentage kept to one decimal. */
export function percent(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100 ? Math.round(value * 10) / 10 : undefined;
}

const TOKEN_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * A value from a closed vocabulary. With a list, anything else becomes "other"; without one
 * (vocabularies the IDE documents loosely) only short snake_case words pass.
 */
export function vocabulary(value: unknown, allowed?: readonly string[]): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (allowed) return allowed.includes(value) ? value : 'other';
  return TOKEN_PATTERN.test(value) && !looksSecret(value) ? value : 'other';
}

const KNOWN_ID = /^(?:toolu|srvtoolu|call|msg|req)_[A-Za-z0-9]{6,64}$/;
const PLAIN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/** An opaque id: UUIDs and the assistants' own id formats verbatim; anything else as a keyed hash. */
export function safeId(value: unknown, hash: Hasher): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (isUuid(value) || KNOWN_ID.test(value)) return value;
  if (PLAIN_ID.test(value) && !looksSecret(value)) return value;
  return `h_${hash(value)}`;
}

const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@[\]-]{0,79}$/;

export function safeModel(value: unknown): string | undefined {
  return typeof value === 'string' && MODEL_PATTERN.test(value) && !looksSecret(value) ? value : undefined;
}

const TOOL_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MCP_TOOL_PATTERN = /^(?:mcp__[A-Za-z0-9_-]{1,64}__[A-Za-z0-9_-]{1,64}|MCP:[A-Za-z0-9_.-]{1,64})$/;

/** A tool name (built-in or MCP); anything that does not look like one becomes "other". */
export function safeToolName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return (TOOL_PATTERN.test(value) || MCP_TOOL_PATTERN.test(value)) && !looksSecret(value) ? value : 'other';
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:+-]{0,47}$/;

/** A short program, command or server name; anything else becomes "other". */
export function safeName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return NAME_PATTERN.test(value) && !looksSecret(value) ? value : 'other';
}

/** A name from an open list of built-ins (agent types): known ones verbatim, user-defined ones as a keyed hash. */
export function knownOrHashed(value: unknown, known: readonly string[], hash: Hasher): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return known.includes(value) ? value : `custom_${hash(value).slice(0, 8)}`;
}

const VERSION_PATTERN = /^[0-9][0-9A-Za-z.+-]{0,39}$/;

export function safeVersion(value: unknown): string | undefined {
  return typeof value === 'string' && VERSION_PATTERN.test(value) ? value : undefined;
}

const EXTENSION_PATTERN = /^\.[a-z0-9]{1,9}$/;

/** The lower-cased extension of a file path (".ts"), or "" when it has none we can keep. */
export function fileExtension(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  const extension = base.slice(dot).toLowerCase();
  return EXTENSION_PATTERN.test(extension) ? extension : '';
}

/** Keyed hash of a path, with trailing separators removed so "/a/b/" and "/a/b" are the same place. */
export function pathHash(path: string, hash: Hasher): string {
  const trimmed = path.length > 1 ? path.replace(/[\\/]+$/, '') : path;
  return hash(trimmed || path);
}

/** Number of Unicode code points, without building an array. */
export function characterCount(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

export function wordCount(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** Size in characters of any payload value: strings directly, anything else as its JSON text. */
export function serializedSize(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return characterCount(value);
  try {
    return JSON.stringify(value).length;
  } catch {
    return undefined;
  }
}

/** Length of a text in characters and words; the text itself is dropped. */
export function textStats(text: unknown, prefix: 'prompt' | 'response'): EventPayload {
  if (typeof text !== 'string') return {};
  return prefix === 'prompt'
    ? { prompt_chars: characterCount(text), prompt_words: wordCount(text) }
    : { response_chars: characterCount(text), response_words: wordCount(text) };
}
