// What the transcript reader remembers between runs: per file (known by a keyed hash of its path,
// never the path) how far it was read, and per session the first and last time seen. The daemon
// decides where this lives (an injected store); a private JSON file store is provided.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../hooks-install/atomic-file.ts';
import { isRecord } from '../capture/safe-values.ts';

export interface TranscriptFileState {
  /** Bytes before this offset were read and everything they held was delivered. */
  offset: number;
  /** Size and mtime at the last read: unchanged means nothing to read. */
  size: number;
  mtimeMs: number;
  /** Inode (0 where the platform has none): a new inode means a new file at the same path. */
  ino: number;
  /** Keyed hash of the file's first bytes: different means the file was rewritten. */
  head: string;
}

export interface TranscriptSessionState {
  first: string;
  last: string;
  workspace_hash?: string;
}

export interface TranscriptReaderState {
  version: 1;
  files: Record<string, TranscriptFileState>;
  sessions: Record<string, TranscriptSessionState>;
}

/** Where the daemon keeps the reader's state (a JSON file now, SQLite later). */
export interface TranscriptStateStore {
  load(): TranscriptReaderState | undefined | Promise<TranscriptReaderState | undefined>;
  save(state: TranscriptReaderState): void | Promise<void>;
}

export function emptyReaderState(): TranscriptReaderState {
  return { version: 1, files: {}, sessions: {} };
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Keeps only well-formed entries of a state read back from storage; anything else starts fresh. */
export function sanitizeReaderState(raw: unknown): TranscriptReaderState {
  const state = emptyReaderState();
  if (!isRecord(raw) || raw.version !== 1) return state;
  if (isRecord(raw.files)) {
    for (const [key, file] of Object.entries(raw.files)) {
      if (!isRecord(file) || !isOffset(file.offset) || !isOffset(file.size) || typeof file.mtimeMs !== 'number' || !isOffset(file.ino)) continue;
      state.files[key] = { offset: file.offset, size: file.size, mtimeMs: file.mtimeMs, ino: file.ino, head: typeof file.head === 'string' ? file.head : '' };
    }
  }
  if (isRecord(raw.sessions)) {
    for (const [id, session] of Object.entries(raw.sessions)) {
      if (!isRecord(session) || typeof session.first !== 'string' || typeof session.last !== 'string') continue;
      state.sessions[id] = {
        first: session.first,
        last: session.last,
        ...(typeof session.workspace_hash === 'string' ? { workspace_hash: session.workspace_hash } : {}),
      };
    }
  }
  return state;
}

/**
 * A store in one private JSON file (mode 0600), replaced atomically on every save. What is read
 * back goes through `sanitize`; a missing, unreadable or corrupt file loads as undefined, which
 * costs one re-read (the monitors' event ids are stable, so nothing is stored twice).
 */
export function jsonFileStore<T>(path: string, sanitize: (raw: unknown) => T): { load(): T | undefined; save(state: T): void } {
  return {
    load() {
      try {
        return sanitize(JSON.parse(readFileSync(path, 'utf8')));
      } catch {
        return undefined;
      }
    },
    save(state) {
      writeFileAtomic(path, JSON.stringify(state), 0o600);
    },
  };
}

export function jsonFileStateStore(path: string): TranscriptStateStore {
  return jsonFileStore(path, sanitizeReaderState);
}
