// The shim the IDE config names: a tiny /bin/sh script that fixes the hook's environment and execs
// an absolute Node runtime on the copied hook bundle. Why a shim and not "node <bundle>":
// - it names an absolute runtime, so hooks work where no `node` is on PATH (GUI-launched IDEs)
//   and survive extension updates that move the runtime the CLI ran on;
// - it unsets NODE_EXTRA_CA_CERTS, which costs every Node 20 process ~107 ms at start-up
//   (reference/performance-floors.md §2e); the hook never makes a TLS connection;
// - it pins BLUEPLANE_HOME (and the Redis settings the installer ran with) so the hook finds the
//   data folder whatever environment the IDE was started from.
// Its second line records who wrote it and for which version; status reads it back.
import type { HookRuntime } from './hook-runtime.ts';
import type { Ide } from './ide-targets.ts';

/** One shell word in single quotes; an embedded ' becomes '\'' (close, escaped quote, reopen). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Splits a line into shell words. Understands only what shellQuote writes (single quotes,
 * backslash escapes, unquoted characters), which is all a shim of ours contains.
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

export interface ShimSpec {
  ide: Ide;
  /** Blueplane version written in the header. */
  version: string;
  /** BLUEPLANE_HOME, absolute. */
  home: string;
  runtime: HookRuntime;
  /** The copied hook bundle, absolute. */
  hookScript: string;
  /** Defaults for the hook, written only when the installer had them in its environment. */
  redisUrl?: string | undefined;
  redisPrefix?: string | undefined;
}

/**
 * A default that the IDE's environment can still override. The brief's `: "${VAR:=value}"` form
 * cannot hold an arbitrary value safely (inside "${...}" a single-quoted word is taken literally
 * by dash and bash, and `}` or `"` end it), so the same rule is written as a test instead:
 * set it when unset or empty.
 */
function defaultLine(name: string, value: string): string {
  return `[ -n "\${${name}:-}" ] || ${name}=${shellQuote(value)}; export ${name}`;
}

export function renderShim(spec: ShimSpec): string {
  const lines = [
    '#!/bin/sh',
    `# Blueplane ${spec.ide} hook shim, written by \`blueplane hooks install\` (version ${spec.version}). Reinstall to update.`,
    'unset NODE_EXTRA_CA_CERTS',
    `BLUEPLANE_HOME=${shellQuote(spec.home)}; export BLUEPLANE_HOME`,
  ];
  if (spec.redisUrl) lines.push(defaultLine('BLUEPLANE_REDIS_URL', spec.redisUrl));
  if (spec.redisPrefix) lines.push(defaultLine('BLUEPLANE_REDIS_PREFIX', spec.redisPrefix));
  if (spec.runtime.electron) lines.push('ELECTRON_RUN_AS_NODE=1; export ELECTRON_RUN_AS_NODE');
  lines.push(`exec ${shellQuote(spec.runtime.path)} ${shellQuote(spec.hookScript)} "$@"`);
  return `${lines.join('\n')}\n`;
}

export interface ShimInfo {
  ide: Ide;
  version: string;
  /** The runtime the shim execs, if its exec line could be read. */
  runtime: string | undefined;
  hookScript: string | undefined;
}

const HEADER = /^# Blueplane (claude|cursor) hook shim, written by `blueplane hooks install` \(version ([^)\s]+)\)\./m;

/** What a shim of ours says about itself; undefined when the text is not a shim we wrote. */
export function readShimInfo(text: string): ShimInfo | undefined {
  const header = HEADER.exec(text);
  if (!header || !text.startsWith('#!/bin/sh\n')) return undefined;
  const execLine = /^exec (.+)$/m.exec(text)?.[1];
  let words: string[] = [];
  try {
    if (execLine) words = splitShellWords(execLine);
  } catch {
    words = [];
  }
  return { ide: header[1] as Ide, version: header[2]!, runtime: words[0], hookScript: words[1] };
}
