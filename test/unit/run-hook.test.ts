import assert from 'node:assert/strict';
import { eventFor } from '../../hooks/run-hook.ts';
import type { CaptureContext } from '../../core/capture/build-event.ts';

const context: CaptureContext = { platform: 'cursor', hookArg: 'stop', env: {}, secret: Buffer.alloc(32, 7) };

describe('eventFor (the hook flow around the sanitizer)', () => {
  it('records a sanitizer that throws as a sanitize_error hook_error, with the byte count only', () => {
    const event = eventFor({ ok: true, value: { prompt: 'do not keep' }, bytes: 23 }, context, () => {
      throw new Error('boom: do not keep');
    });
    assert.equal(event.event_type, 'hook_error');
    assert.equal(event.payload.error_reason, 'sanitize_error');
    assert.equal(event.payload.input_bytes, 23);
    assert.ok(!JSON.stringify(event).includes('do not keep'));
  });

  it('records bad input as a hook_error with its reason', () => {
    const event = eventFor({ ok: false, reason: 'binary_input', bytes: 9 }, context);
    assert.equal(event.event_type, 'hook_error');
    assert.equal(event.payload.error_reason, 'binary_input');
    assert.equal(event.payload.input_bytes, 9);
    assert.equal(event.platform, 'cursor');
  });
});
