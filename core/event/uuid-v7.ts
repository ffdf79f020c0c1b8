// UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Time-ordered ids keep
// SQLite's unique index on event_id cheap (reference/performance-floors.md §4) and sort by creation.
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * `count` bytes from the operating system's CSPRNG. Read from /dev/urandom rather than through
 * node:crypto because loading that module costs a hook 2-4 ms at start-up, more than all the
 * work the hook does. Where there is no /dev/urandom (Windows) Web Crypto, global from Node 19,
 * does it.
 */
export function secureRandomBytes(count: number): Buffer {
  const bytes = Buffer.alloc(count);
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    globalThis.crypto.getRandomValues(bytes);
    return bytes;
  }
  try {
    for (let filled = 0; filled < count; ) {
      const read = readSync(fd, bytes, filled, count - filled, null);
      if (read <= 0) throw new Error('/dev/urandom returned no bytes');
      filled += read;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export function uuidV7(nowMs: number = Date.now()): string {
  const bytes = secureRandomBytes(16);
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
