// `--anonymize`: every identifier of an export replaced by an unlinkable one. Each export draws a
// fresh random key, keeps it in memory only, and maps an identifier to HMAC-SHA-256(key, value)
// shaped as a UUID: the same value maps to the same anonymous id within one export (joins between
// its tables still work), two exports share nothing, and no output equals a stored value.
import { createHmac, randomBytes } from 'node:crypto';

export interface IdMapper {
  readonly anonymized: boolean;
  /** An identifier (conversation, session, turn, change or insight id; project, workspace, file or content hash). */
  id(value: string): string;
  id(value: string | null): string | null;
  /** An insight's scope key: a session's is `<platform>:<session id>`, a project's its hash. */
  scopeKey(scope: string, key: string): string;
}

export const IDENTITY: IdMapper = {
  anonymized: false,
  id: ((value: string | null) => value) as IdMapper['id'],
  scopeKey: (_scope, key) => key,
};

export function createAnonymizer(key: Buffer = randomBytes(32)): IdMapper {
  const cache = new Map<string, string>();
  const one = (value: string): string => {
    let mapped = cache.get(value);
    if (mapped === undefined) {
      const hex = createHmac('sha256', key).update(value).digest('hex');
      mapped = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
      // Bounded: a huge export re-derives (same key, same answer) rather than keep every id.
      if (cache.size > 100_000) cache.clear();
      cache.set(value, mapped);
    }
    return mapped;
  };
  const id = (value: string | null): string | null => (value === null ? null : one(value));
  return {
    anonymized: true,
    id: id as IdMapper['id'],
    scopeKey(scope, scopeKey) {
      if (scope === 'project') return one(scopeKey);
      if (scope === 'session') {
        const colon = scopeKey.indexOf(':');
        return colon < 0 ? one(scopeKey) : `${scopeKey.slice(0, colon)}:${one(scopeKey.slice(colon + 1))}`;
      }
      // 'all' and 'platform:<name>' name no one.
      return scopeKey;
    },
  };
}
