import assert from 'node:assert/strict';
import { findDuplicateKey, formatJson, formatJsonPath, sameJson } from '../../core/hooks-install/json-text.ts';

describe('hooks-install JSON helpers', () => {
  it('formats JSON paths the way a user can find the entry', () => {
    assert.equal(formatJsonPath(['hooks', 'afterFileEdit', 0, 'matcher']), 'hooks.afterFileEdit[0].matcher');
    assert.equal(formatJsonPath(['hooks', 'my event', 2]), 'hooks["my event"][2]');
    assert.equal(formatJsonPath([]), '(top level)');
  });

  it('writes 2-space JSON with a trailing newline', () => {
    assert.equal(formatJson({ a: [1] }), '{\n  "a": [\n    1\n  ]\n}\n');
  });

  it('treats a change of key order as a change', () => {
    assert.ok(sameJson({ a: 1, b: 2 }, { a: 1, b: 2 }));
    assert.ok(!sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }));
  });

  it('finds a key written twice in one object (JSON.parse would silently keep only the last)', () => {
    assert.deepEqual(findDuplicateKey('{"hooks":{"Stop":[1],"Other":{"Stop":1},"Stop":[2]}}'), ['hooks', 'Stop']);
    assert.deepEqual(findDuplicateKey('{"a":[{"x":1},{"y":{"k":1,"k":2}}]}'), ['a', 1, 'y', 'k']);
    assert.deepEqual(findDuplicateKey('{"a\\"b":1,"a\\u0022b":2}'), ['a"b']);
  });

  it('accepts equal keys in different objects, and keys that only look alike inside strings', () => {
    assert.equal(findDuplicateKey('{"a":{"k":1},"b":{"k":1},"c":["k","k"],"d":"{\\"k\\":1,\\"k\\":2}"}'), undefined);
    assert.equal(findDuplicateKey('[1,{"a":1},{"a":2}]'), undefined);
  });
});
