// JSON helpers shared by the config-file formats: value types, JSON paths for messages
// (`hooks.afterFileEdit[0].matcher`), and a duplicate-key check. JSON.parse keeps only the last of
// two equal keys, so rewriting such a file would silently delete the user's first entry (real files
// have it, e.g. a "Stop" key written twice); we refuse those files instead.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type JsonPathSegment = string | number;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `hooks.PreToolUse[0]`, with odd keys in brackets: `hooks["my key"]`. The root is `(top level)`. */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(top level)' : text;
}

/** The canonical text we write: 2-space indent and a trailing newline. */
export function formatJson(value: JsonValue): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Deep equality including key order, which is what "unchanged" means for a file we rewrite. */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined; expectKey: boolean } | { kind: 'array'; index: number };

/**
 * Returns the path of the first key that appears twice in one object, or undefined.
 * Expects text that JSON.parse has already accepted, so it only tracks structure.
 */
export function findDuplicateKey(text: string): JsonPathSegment[] | undefined {
  const stack: Frame[] = [];
  const pathTo = (last: string): JsonPathSegment[] => [
    ...stack.slice(0, -1).map((frame) => (frame.kind === 'array' ? frame.index : (frame.key ?? ''))),
    last,
  ];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const top = stack.at(-1);
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      stack.push({ kind: 'object', keys: new Set(), key: undefined, expectKey: true });
    } else if (char === '[') {
      stack.push({ kind: 'array', index: 0 });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index++;
    }
  }
  return undefined;
}
