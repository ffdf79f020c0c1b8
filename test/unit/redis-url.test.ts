import assert from 'node:assert/strict';
import { parseRedisUrl } from '../../core/transport/redis-url.ts';

describe('parseRedisUrl', () => {
  const accepted: Array<[string, unknown]> = [
    ['redis://127.0.0.1:6379', { kind: 'tcp', host: '127.0.0.1', port: 6379, db: 0 }],
    ['redis://localhost', { kind: 'tcp', host: 'localhost', port: 6379, db: 0 }],
    ['redis://', { kind: 'tcp', host: '127.0.0.1', port: 6379, db: 0 }],
    ['redis://h:7000/5', { kind: 'tcp', host: 'h', port: 7000, db: 5 }],
    ['redis://h/', { kind: 'tcp', host: 'h', port: 6379, db: 0 }],
    ['redis://h?db=4', { kind: 'tcp', host: 'h', port: 6379, db: 4 }],
    ['redis://[::1]:6380/2', { kind: 'tcp', host: '::1', port: 6380, db: 2 }],
    ['redis://:s3cret@h', { kind: 'tcp', host: 'h', port: 6379, db: 0, auth: { username: '', password: 's3cret' } }],
    ['redis://alice:p%40ss%2Fw%25rd@h:1/1', { kind: 'tcp', host: 'h', port: 1, db: 1, auth: { username: 'alice', password: 'p@ss/w%rd' } }],
    ['redis://alice@h', { kind: 'tcp', host: 'h', port: 6379, db: 0 }],
    ['  redis://h  ', { kind: 'tcp', host: 'h', port: 6379, db: 0 }],
    ['unix:///run/redis/redis.sock', { kind: 'unix', path: '/run/redis/redis.sock', db: 0 }],
    ['unix:///tmp/r.sock?db=3', { kind: 'unix', path: '/tmp/r.sock', db: 3 }],
    ['unix:///tmp/my%20dir/r.sock?db=1&password=p%26w', { kind: 'unix', path: '/tmp/my dir/r.sock', db: 1, auth: { username: '', password: 'p&w' } }],
    ['redis+unix:///tmp/r.sock?username=u&password=p', { kind: 'unix', path: '/tmp/r.sock', db: 0, auth: { username: 'u', password: 'p' } }],
  ];
  for (const [url, endpoint] of accepted) {
    it(`reads ${url.trim()}`, () => {
      assert.deepEqual(parseRedisUrl(url), { ok: true, endpoint });
    });
  }

  const refused: Array<[string, string]> = [
    ['rediss://h:6380', 'tls_unsupported'],
    ['http://h', 'unsupported_scheme'],
    ['valkey://h', 'unsupported_scheme'],
    ['not a url', 'invalid'],
    ['', 'invalid'],
    ['redis://h:0', 'invalid'],
    ['redis://h/abc', 'invalid'],
    ['redis://h/-1', 'invalid'],
    ['redis://h?db=x', 'invalid'],
    ['redis://:%E0%A4%A@h', 'invalid'],
    ['unix://', 'invalid'],
    ['unix:///tmp/r.sock?db=two', 'invalid'],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${JSON.stringify(url)} (${reason})`, () => {
      assert.deepEqual(parseRedisUrl(url), { ok: false, reason });
    });
  }
});
