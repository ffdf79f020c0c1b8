import assert from 'node:assert/strict';
import { isUuid, secureRandomBytes, uuidV7 } from '../../core/event/uuid-v7.ts';

describe('uuidV7', () => {
  it('makes version-7 UUIDs that sort by creation time', () => {
    const earlier = uuidV7(Date.UTC(2026, 0, 1));
    const later = uuidV7(Date.UTC(2026, 0, 2));
    assert.ok(isUuid(earlier));
    assert.equal(earlier[14], '7');
    assert.ok(['8', '9', 'a', 'b'].includes(earlier[19]!));
    assert.ok(earlier < later);
  });

  it('encodes the creation millisecond in the first 48 bits', () => {
    const ms = Date.UTC(2026, 10, 22, 7, 30, 0, 123);
    const id = uuidV7(ms);
    assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), ms);
  });
});

describe('secureRandomBytes', () => {
  it('returns the number of bytes asked for, different each time', () => {
    const a = secureRandomBytes(32);
    const b = secureRandomBytes(32);
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
    assert.equal(secureRandomBytes(0).length, 0);
  });
});
