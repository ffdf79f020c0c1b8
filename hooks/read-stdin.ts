// Reads the hook's stdin payload: one JSON object, with a size cap and a deadline. Never waits for
// EOF forever (anthropics/claude-code #90585: the pipe can stay open without EOF).
//
// - Parses once: at EOF, or when no byte has arrived for `idleMs` and what arrived ends in `}`;
//   if that parses as an object the hook proceeds without EOF. No parse per chunk (O(n^2)).
// - Over the cap it keeps draining and discarding (closing stdin early could hand the IDE an
//   EPIPE) until EOF or the deadline, holding nothing, and reports too_large.
// - Bad input is classified, never thrown: the caller records a hook_error with the reason and
//   the byte count only.
import { isUtf8 } from 'node:buffer';
import type { HookErrorReason } from '../core/event/envelope.ts';

export type StdinReason = Exclude<HookErrorReason, 'sanitize_error'>;

export type StdinResult =
  | { ok: true; value: Record<string, unknown>; bytes: number }
  | { ok: false; reason: StdinReason; bytes: number };

export interface ReadStdinOptions {
  maxBytes: number;
  timeoutMs: number;
  /** Quiet gap after which a complete object is accepted without EOF. */
  idleMs?: number;
}

export const DEFAULT_IDLE_MS = 20;

/** The readable side the reader needs (process.stdin, or a PassThrough in tests). */
export interface ByteSource {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  pause(): unknown;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// buffer.isUtf8 exists from Node 18.14; on an older runtime fall back to a strict decoder.
function validUtf8(bytes: Buffer): boolean {
  if (typeof isUtf8 === 'function') return isUtf8(bytes);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Classifies a complete input. Exported for the unit tests. */
export function classifyInput(input: Buffer): StdinResult {
  const bytes = input.length;
  if (input.indexOf(0) !== -1 || !validUtf8(input)) return { ok: false, reason: 'binary_input', bytes };
  let text = input.toString('utf8');
  if (input.subarray(0, 3).equals(UTF8_BOM)) text = text.slice(1);
  if (text.trim() === '') return { ok: false, reason: 'empty_input', bytes };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json', bytes };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not_an_object', bytes };
  return { ok: true, value: value as Record<string, unknown>, bytes };
}

/** Last byte that is not JSON whitespace, or -1. */
function lastSignificantByte(chunk: Buffer): number {
  for (let i = chunk.length - 1; i >= 0; i--) {
    const byte = chunk[i]!;
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  }
  return -1;
}

export function readStdin(source: ByteSource, options: ReadStdinOptions): Promise<StdinResult> {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  return new Promise<StdinResult>((resolve) => {
    let chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    let endsWithBrace = false;
    let settled = false;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;

    const settle = (result: StdinResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idleTimer);
      chunks = [];
      source.removeAllListeners('data');
      source.removeAllListeners('end');
      // Keep an error listener: an 'error' with none would become an uncaught exception.
      source.removeAllListeners('error');
      source.on('error', () => {});
      // Leave stdin open (no EPIPE for the IDE); paused, it no longer keeps the loop busy.
      source.pause();
      resolve(result);
    };
    const collected = (): Buffer => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, bytes)];
      return chunks[0] ?? Buffer.alloc(0);
    };
    const onIdle = (): void => {
      idleTimer = undefined;
      const result = classifyInput(collected());
      if (result.ok) settle(result);
    };

    const deadline = setTimeout(() => {
      if (tooLarge) return settle({ ok: false, reason: 'too_large', bytes });
      // A complete object that arrived just before the deadline still counts.
      const result = bytes > 0 ? classifyInput(collected()) : undefined;
      settle(result?.ok ? result : { ok: false, reason: 'read_timeout', bytes });
    }, options.timeoutMs);

    source.on('data', (data) => {
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      bytes += chunk.length;
      if (tooLarge) return;
      if (bytes > options.maxBytes) {
        tooLarge = true;
        chunks = [];
        clearTimeout(idleTimer);
        return;
      }
      chunks.push(chunk);
      const last = lastSignificantByte(chunk);
      if (last !== -1) endsWithBrace = last === 0x7d;
      clearTimeout(idleTimer);
      idleTimer = endsWithBrace ? setTimeout(onIdle, idleMs) : undefined;
    });
    source.on('end', () => settle(tooLarge ? { ok: false, reason: 'too_large', bytes } : classifyInput(collected())));
    source.on('error', () => settle(tooLarge ? { ok: false, reason: 'too_large', bytes } : { ok: false, reason: 'read_error', bytes }));
  });
}
