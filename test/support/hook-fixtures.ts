// Shared pieces of the hook integration tests: the fixture payloads, a throw-away data folder,
// the environment a hook runs with, and checks of what a hook left behind (stream entry, spool).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform, TelemetryEvent } from '../../core/event/envelope.ts';
import { EVENT_TYPES } from '../../core/event/envelope.ts';
import { SPOOL_FILE_PATTERN } from '../../core/spool/spool-writer.ts';
import { readFixturePayloads } from './fixtures.ts';
import { cleanEnv } from './hook-process.ts';
import type { HookRun } from './hook-process.ts';

export interface FixturePayload {
  file: string;
  /** 1-based position of the payload in its file. */
  line: number;
  /** The payload as the IDE sends it (the fixture's `_source` note removed). */
  payload: Record<string, unknown>;
  json: string;
  /** hook_event_name, when the payload has one. */
  eventName: string | undefined;
}

export function loadFixture(file: 'claude-hooks.docs.jsonl' | 'cursor-hooks.jsonl'): FixturePayload[] {
  return readFixturePayloads(file).map((payload, index) => ({
    file,
    line: index + 1,
    payload,
    json: JSON.stringify(payload),
    eventName: typeof payload.hook_event_name === 'string' ? payload.hook_event_name : undefined,
  }));
}

/**
 * The event an old-format Claude payload (before hook_event_name existed, docs of Jul 2025) was
 * sent for, from its fields, as the installed shim would name it on the command line.
 */
export function oldFormatEventName(payload: Record<string, unknown>): string {
  if ('tool_response' in payload) return 'PostToolUse';
  if ('tool_name' in payload) return 'PreToolUse';
  if ('message' in payload) return 'Notification';
  if ('stop_hook_active' in payload) return 'Stop';
  throw new Error(`cannot tell which event this old payload is: ${Object.keys(payload).join(', ')}`);
}

export function uniquePrefix(): string {
  return `bptest:${randomBytes(6).toString('hex')}:`;
}

export interface TempHome {
  path: string;
  remove(): void;
}

/** A fresh BLUEPLANE_HOME, optionally with a config.json. */
export function tempHome(config?: Record<string, unknown>): TempHome {
  const path = mkdtempSync(join(tmpdir(), 'blueplane-home-'));
  if (config) writeFileSync(join(path, 'config.json'), JSON.stringify(config));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function hookEnv(home: string, redisUrl: string, prefix: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return cleanEnv({ BLUEPLANE_HOME: home, BLUEPLANE_REDIS_URL: redisUrl, BLUEPLANE_REDIS_PREFIX: prefix, ...extra });
}

export const EXPECTED_STDOUT: Record<'claude' | 'cursor', string> = { claude: '', cursor: '{}' };

/** Exit 0, exactly the IDE's expected stdout, nothing on stderr, stdin fully read, and nothing left holding stdio open. */
export function assertCleanExit(run: HookRun, hook: 'claude' | 'cursor'): void {
  assert.equal(run.signal, null, `killed by ${run.signal}; stderr: ${run.stderr}`);
  assert.equal(run.code, 0, `exit code ${run.code}; stderr: ${run.stderr}`);
  assert.equal(run.stdout, EXPECTED_STDOUT[hook]);
  assert.equal(run.stderr, '');
  assert.ok(run.stdioClosedAfterExitMs < 250, `stdout/stderr stayed open ${run.stdioClosedAfterExitMs.toFixed(0)} ms after exit`);
  assert.equal(run.stdinError, undefined, 'the IDE could write its whole payload');
}

/** A whole envelope as the daemon will read it back, checked for the shape everyone relies on. */
export function assertEnvelope(event: TelemetryEvent, platform: Platform): void {
  assert.equal(event.v, 1);
  assert.match(event.event_id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(!Number.isNaN(Date.parse(event.timestamp)), `timestamp ${event.timestamp}`);
  assert.equal(event.platform, platform);
  assert.ok((EVENT_TYPES as readonly string[]).includes(event.event_type), `event_type ${event.event_type} is not in EVENT_TYPES`);
  assert.equal(typeof event.session_id, 'string');
  assert.equal(typeof event.hook_type, 'string');
  assert.equal(typeof event.metadata, 'object');
  assert.equal(typeof event.payload, 'object');
}

/** One stream entry: fields event_id, event_type, platform, data in that order, all agreeing. */
export function assertStreamEntry(entry: [string, string[]], platform: Platform): TelemetryEvent {
  const [id, fields] = entry;
  assert.match(id, /^\d+-\d+$/);
  assert.deepEqual(
    fields.filter((_, index) => index % 2 === 0),
    ['event_id', 'event_type', 'platform', 'data'],
  );
  const [, eventId, , eventType, , entryPlatform, , data] = fields;
  const event = JSON.parse(data!) as TelemetryEvent;
  assertEnvelope(event, platform);
  assert.equal(event.event_id, eventId);
  assert.equal(event.event_type, eventType);
  assert.equal(entryPlatform, platform);
  return event;
}

export interface SpoolLine {
  file: string;
  text: string;
}

/** Every line of every spool file, with a check that the names and modes are the promised ones. */
export function readSpool(home: string): SpoolLine[] {
  const folder = join(home, 'spool');
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  assert.equal(statSync(folder).mode & 0o777, 0o700, 'spool folder mode');
  const lines: SpoolLine[] = [];
  for (const name of names) {
    assert.match(name, SPOOL_FILE_PATTERN);
    assert.equal(statSync(join(folder, name)).mode & 0o777, 0o600, `${name} mode`);
    const text = readFileSync(join(folder, name), 'utf8');
    assert.ok(text.endsWith('\n'), `${name} ends with a newline`);
    for (const line of text.slice(0, -1).split('\n')) lines.push({ file: name, text: line });
  }
  return lines;
}

/** Spooled events, each checked as a whole envelope. */
export function readSpooledEvents(home: string, platform?: Platform): TelemetryEvent[] {
  return readSpool(home).map(({ text }) => {
    const event = JSON.parse(text) as TelemetryEvent;
    assertEnvelope(event, platform ?? event.platform);
    return event;
  });
}
