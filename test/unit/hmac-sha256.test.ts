import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '../../core/capture/hmac-sha256.ts';

describe('hmacSha256Hex', () => {
  it('matches node:crypto for RFC 4231 test case 2', () => {
    const hmac = hmacSha256Hex(Buffer.from('Jefe'));
    assert.equal(hmac('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('matches node:crypto across block boundaries, key sizes and UTF-8 (lone surrogates included)', () => {
    const messages = ['', 'a', '/home/dev/shop', 'é日本\u{1F600}', '\ud800x', 'x\udc00'];
    for (const length of [55, 56, 63, 64, 65, 119, 120, 1000]) messages.push('a'.repeat(length));
    for (let length = 0; length < 200; length += 7) messages.push(randomBytes(length).toString('latin1'));
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const hmac = hmacSha256Hex(key);
      for (const message of messages) assert.equal(hmac(message), createHmac('sha256', key).update(message).digest('hex'), `key ${keyLength} B, message ${JSON.stringify(message.slice(0, 20))}`);
    }
  });
});
