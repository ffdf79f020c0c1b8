// The flow every hook executable shares: read stdin (bounded) → build the sanitized event → XADD
// through the tiny RESP client → on any failure append it to the spool → print the IDE's
// expected output → exit 0. Whatever happens (bad input, Redis down, a thrown error, a signal,
// a hung read) the process exits 0 with exactly that output; a built event is never dropped
// while there is a spool to write it to. Only node builtins end up in the bundle.
import { readSync, writeSync } from 'node:fs';
import type { Platform, TelemetryEvent } from '../core/event/envelope.ts';
import { streamEntryFields } from '../core/event/envelope.ts';
import type { CaptureContext } from '../core/capture/build-event.ts';
import { buildEvent, buildHookErrorEvent } from '../core/capture/build-event.ts';
import { loadConfig } from '../core/config.ts';
import { loadOrCreateSecret } from '../core/data-folder.ts';
import { redisKeys } from '../core/redis-keys.ts';
import { appendToSpool } from '../core/spool/spool-writer.ts';
import { parseRedisUrl } from '../core/transport/redis-url.ts';
import { xadd } from '../core/transport/resp-xadd.ts';
import type { StdinResult } from './read-stdin.ts';
import { readStdin } from './read-stdin.ts';

type Env = Record<string, string | undefined>;

export interface HookSpec {
  platform: Platform;
  /** Exactly what the hook prints on stdout, once, right before it exits. */
  output: string;
  /** True when this invocation belongs to another hook and must record nothing. */
  ignore?: (env: Env, payload: Record<string, unknown> | undefined) => boolean;
}

/** Slack past the stdin and Redis deadlines before the watchdog gives up on the run. */
export const WATCHDOG_SLACK_MS = 500;

/** The event for one read outcome; a sanitizer that throws yields a sanitize_error hook_error. */
export function eventFor(
  input: StdinResult,
  context: CaptureContext,
  build: typeof buildEvent = buildEvent,
  buildError: typeof buildHookErrorEvent = buildHookErrorEvent,
): TelemetryEvent {
  if (!input.ok) return buildError(input.reason, input.bytes, context);
  try {
    return build(input.value, context);
  } catch {
    return buildError('sanitize_error', input.bytes, context);
  }
}

export function runHook(spec: HookSpec): void {
  const env: Env = process.env;
  let exiting = false;
  let home: string | undefined;
  /** Built and not yet stored anywhere. */
  let unsent: TelemetryEvent | undefined;
  /** Whether this run got as far as building its event (stored or not). */
  let built = false;

  const exit = (): void => {
    if (exiting) return;
    exiting = true;
    if (spec.output) {
      try {
        writeSync(1, spec.output);
      } catch {
        // stdout closed: nothing to tell anyone.
      }
    }
    process.exit(0);
  };
  const spoolUnsent = (): void => {
    // Cut short before the event was built (a starved machine can run the watchdog before the
    // stdin deadline's timer): the run still leaves a trace, a read_timeout hook_error.
    if (!built && home && !exiting) {
      built = true;
      try {
        unsent = buildHookErrorEvent('read_timeout', 0, { platform: spec.platform, hookArg: process.argv[2], env, secret: loadOrCreateSecret(home) });
      } catch {
        // No secret to key it with: nothing can be recorded.
      }
    }
    const event = unsent;
    unsent = undefined;
    if (event && home) {
      try {
        appendToSpool(home, event);
      } catch {
        // Nowhere left to put it; the exit code stays 0 regardless.
      }
    }
  };
  const bail = (): void => {
    spoolUnsent();
    exit();
  };

  process.exitCode = 0;
  process.on('uncaughtException', bail);
  process.on('unhandledRejection', bail);
  // Claude Code kills async hooks at teardown; a terminal may send SIGINT or SIGHUP.
  process.on('SIGTERM', bail);
  process.on('SIGINT', bail);
  process.on('SIGHUP', bail);

  const main = async (): Promise<void> => {
    const config = loadConfig(env);
    home = config.home;
    const { hook } = config;
    setTimeout(bail, hook.stdinTimeoutMs + hook.redisTimeoutMs + WATCHDOG_SLACK_MS);

    let input: StdinResult;
    try {
      const stdin = process.stdin;
      // Node made fd 0 non-blocking when it opened it as a pipe (a file never blocks): what is
      // already there can be read at once. A TTY or a Windows pipe could block, so not those.
      const readNow = stdin.isTTY || process.platform === 'win32' ? undefined : (buffer: Buffer) => readSync(0, buffer, 0, buffer.length, null);
      input = await readStdin(stdin, { maxBytes: hook.maxInputBytes, timeoutMs: hook.stdinTimeoutMs, readSync: readNow });
    } catch {
      input = { ok: false, reason: 'read_error', bytes: 0 };
    }
    if (spec.ignore?.(env, input.ok ? input.value : undefined)) return exit();

    const context: CaptureContext = { platform: spec.platform, hookArg: process.argv[2], env, secret: loadOrCreateSecret(config.home) };
    unsent = eventFor(input, context);
    built = true;

    const target = parseRedisUrl(config.redisUrl);
    if (target.ok) {
      const sent = await xadd(target.endpoint, redisKeys(config.redisPrefix).events, streamEntryFields(unsent), hook.redisTimeoutMs);
      if (sent.ok) unsent = undefined;
    }
    bail();
  };
  main().catch(bail);
}
