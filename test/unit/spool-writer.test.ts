import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPOOL_FILE_PATTERN, appendToSpool, spoolFileName } from '../../core/spool/spool-writer.ts';
import type { TelemetryEvent } from '../../core/event/envelope.ts';

function event(id: string, platform: TelemetryEvent['platform'] = 'claude_code'): TelemetryEvent {
  return {
    v: 1,
    event_id: id,
    timestamp: '2026-08-22T07:30:00.000Z',
    platform,
    session_id: 's',
    event_type: 'tool_use',
    hook_type: 'PostToolUse',
    metadata: { hook_version: 'test' },
    payload: { tool: 'Edit' },
  };
}

describe('spool writer', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'blueplane-spool-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('names files <platform>-<YYYYMMDDHH UTC>.jsonl, and the exported pattern reads them back', () => {
    const at = new Date(Date.UTC(2026, 7, 2, 7, 59, 59));
    assert.equal(spoolFileName('claude_code', at), 'claude_code-2026080207.jsonl');
    assert.equal(spoolFileName('cursor', at), 'cursor-2026080207.jsonl');
    assert.deepEqual(SPOOL_FILE_PATTERN.exec('cursor-2026080207.jsonl')?.slice(1), ['cursor', '2026080207']);
    assert.equal(SPOOL_FILE_PATTERN.test('cursor-2026080207.jsonl.draining'), false);
    assert.equal(SPOOL_FILE_PATTERN.test('other-2026080207.jsonl'), false);
  });

  it('appends one line per event to a private file in a private folder', () => {
    const at = new Date(Date.UTC(2026, 7, 2, 7));
    const path = appendToSpool(home, event('a'), at);
    appendToSpool(home, event('b'), at);
    assert.equal(path, join(home, 'spool', 'claude_code-2026080207.jsonl'));
    assert.equal(statSync(join(home, 'spool')).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.deepEqual(lines.at(-1), '');
    assert.deepEqual(
      lines.slice(0, -1).map((line) => (JSON.parse(line) as TelemetryEvent).event_id),
      ['a', 'b'],
    );
  });

  it('starts a new file after the drain renamed the old one, and a new one each hour', () => {
    const at = new Date(Date.UTC(2026, 7, 2, 7));
    const first = appendToSpool(home, event('a'), at);
    renameSync(first, `${first}.draining`);
    appendToSpool(home, event('b'), at);
    appendToSpool(home, event('c'), new Date(Date.UTC(2026, 7, 2, 8)));
    appendToSpool(home, event('d', 'cursor'), at);
    assert.deepEqual(readdirSync(join(home, 'spool')).sort(), [
      'claude_code-2026080207.jsonl',
      'claude_code-2026080207.jsonl.draining',
      'claude_code-2026080208.jsonl',
      'cursor-2026080207.jsonl',
    ]);
    assert.equal(readFileSync(first, 'utf8').trim(), JSON.stringify(event('b')));
  });
});
