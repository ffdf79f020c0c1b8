// Reads the hook's stdin payload: one JSON object, with a size cap and a deadline. Never waits for
// EOF forever (anthropics/claude-code #90585: the pipe can stay open without EOF).
//
// - First takes what is already in the pipe synchronously (readSync on the non-blocking fd): in
//   the usual case that is the whole payload and EOF, with no event-loop turn at all.
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
  /**
   * Reads what is available right now into the buffer: bytes read, 0 at EOF, throws EAGAIN when
   * nothing is ready. Only for a descriptor that never blocks (stdin once Node opened it as a
   * non-blocking pipe, or a regular file); never for a TTY or on Windows.
   */
  readSync?: (buffer: Buffer) => number;
}

const SYNC_CHUNK_BYTES = 64 * 1024;

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

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function readStdin(source: ByteSource, options: ReadStdinOptions): Promise<StdinResult> {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const started = Date.now();
  return new Promise<StdinResult>((resolve) => {
    let chunks: Buffer[] = [];
    let bytes = 0;
    let tooLarge = false;
    let endsWithBrace = false;
    let settled = false;
    let listening = false;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;

    const settle = (result: StdinResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(idleTimer);
      chunks = [];
      // Keep an error listener: an 'error' with none would become an uncaught exception.
      source.removeAllListeners('error');
      source.on('error', () => {});
      // Settled by the synchronous read alone (the usual case), the stream was never listened
      // to, so it never started reading: nothing to detach or pause (pausing costs a hook ~0.2 ms).
      if (listening) {
        source.removeAllListeners('data');
        source.removeAllListeners('end');
        // Leave stdin open (no EPIPE for the IDE); paused, it no longer keeps the loop busy.
        source.pause();
      }
      resolve(result);
    };
    const collected = (): Buffer => {
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, bytes)];
      return chunks[0] ?? Buffer.alloc(0);
    };
    const tooLargeResult = (): StdinResult => ({ ok: false, reason: 'too_large', bytes });
    const atEnd = (): StdinResult => (tooLarge ? tooLargeResult() : classifyInput(collected()));
    /** Counts a chunk; keeps it (a copy when asked) unless the input is already over the cap. */
    const take = (chunk: Buffer, copy: boolean): void => {
      bytes += chunk.length;
      if (tooLarge) return;
      if (bytes > options.maxBytes) {
        tooLarge = true;
        chunks = [];
        return;
      }
      chunks.push(copy ? Buffer.from(chunk) : chunk);
      const last = lastSignificantByte(chunk);
      if (last !== -1) endsWithBrace = last === 0x7d;
    };
    /** A document that ends in `}` and parses is complete: no need to wait for EOF. */
    const completeObject = (): StdinResult | undefined => {
      if (tooLarge || !endsWithBrace) return undefined;
      const result = classifyInput(collected());
      return result.ok ? result : undefined;
    };

    // 1. Whatever is already in the pipe, read synchronously: in the usual case (payload written,
    //    pipe closed) that is the whole input and EOF, without a single event-loop turn.
    if (options.readSync) {
      const buffer = Buffer.allocUnsafe(SYNC_CHUNK_BYTES);
      for (;;) {
        let count: number;
        try {
          count = options.readSync(buffer);
        } catch (error) {
          const code = errorCode(error);
          if (code === 'EAGAIN' || code === 'EWOULDBLOCK') break;
          return settle(tooLarge ? tooLargeResult() : { ok: false, reason: 'read_error', bytes });
        }
        if (count === 0) return settle(atEnd());
        take(buffer.subarray(0, count), true);
        if (Date.now() - started >= options.timeoutMs) break;
      }
      const complete = completeObject();
      if (complete) return settle(complete);
    }

    // 2. The rest as it arrives, until EOF, a quiet gap after a complete object, or the deadline.
    deadline = setTimeout(
      () => {
        if (tooLarge) return settle(tooLargeResult());
        // A complete object that arrived just before the deadline still counts.
        const result = bytes > 0 ? classifyInput(collected()) : undefined;
        settle(result?.ok ? result : { ok: false, reason: 'read_timeout', bytes });
      },
      Math.max(0, options.timeoutMs - (Date.now() - started)),
    );
    const onIdle = (): void => {
      idleTimer = undefined;
      const complete = completeObject();
      if (complete) settle(complete);
    };
    listening = true;
    source.on('data', (data) => {
      take(typeof data === 'string' ? Buffer.from(data) : data, false);
      clearTimeout(idleTimer);
      idleTimer = !tooLarge && endsWithBrace ? setTimeout(onIdle, idleMs) : undefined;
    });
    source.on('end', () => settle(atEnd()));
    source.on('error', () => settle(tooLarge ? tooLargeResult() : { ok: false, reason: 'read_error', bytes }));
  });
}
