// A minimal, hand-written Redis client for the hooks: connect, optional AUTH and SELECT, one
// XADD, all written at once (pipelined), one overall deadline for connect and replies.
// Loading ioredis makes a hook 2.5-2.9x a bare Node start; a raw RESP client 1.2-1.4x
// (reference/performance-floors.md §2).
// Only `net` is imported. The socket is always destroyed (or the process exits first), so nothing
// keeps the event loop waiting.
import { createConnection } from 'node:net';
import type { RedisEndpoint } from './redis-url.ts';

export type XaddResult = { ok: true; id: string } | { ok: false; error: string };

/** RESP2 array of bulk strings. */
export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/** A RESP2 reply value. */
export type RespValue = string | number | null | RespValue[];

type Reply = { error: false; value: RespValue } | { error: true; value: string };

/**
 * Reads one reply starting at `offset`. Returns it with the offset after it, or undefined when
 * the buffer does not hold the whole reply yet. (The hook only ever gets +OK and a bulk id;
 * arrays are here for the tests' client, which shares this reader.)
 */
export function parseReply(buffer: Buffer, offset: number): { reply: Reply; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = buffer[offset];
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const count = type === 0x24 || type === 0x2a ? Number(line) : 0;
  if (count === -1) return { reply: { error: false, value: null }, next: lineEnd + 2 };
  if (!Number.isInteger(count) || count < 0) return { reply: { error: true, value: `bad length ${line}` }, next: buffer.length };
  switch (type) {
    case 0x2b: // '+'
      return { reply: { error: false, value: line }, next: lineEnd + 2 };
    case 0x2d: // '-'
      return { reply: { error: true, value: line }, next: lineEnd + 2 };
    case 0x3a: // ':'
      return { reply: { error: false, value: Number(line) }, next: lineEnd + 2 };
    case 0x24: {
      // '$'
      const end = lineEnd + 2 + count;
      if (buffer.length < end + 2) return undefined;
      return { reply: { error: false, value: buffer.toString('utf8', lineEnd + 2, end) }, next: end + 2 };
    }
    case 0x2a: {
      // '*'
      const items: RespValue[] = [];
      let next = lineEnd + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, next);
        if (!item) return undefined;
        if (item.reply.error) return item;
        items.push(item.reply.value);
        next = item.next;
      }
      return { reply: { error: false, value: items }, next };
    }
    default:
      return { reply: { error: true, value: `unexpected reply type ${String.fromCharCode(type ?? 0)}` }, next: buffer.length };
  }
}

/**
 * XADD key * field value ... on a fresh connection. Resolves (never rejects) once every reply is
 * in, at the first error, or at the deadline, whichever comes first. Success means every reply
 * was a non-error and XADD returned an entry id; anything else is a failure the caller spools.
 *
 * AUTH and XADD go out in one write. With a database other than 0, XADD waits for SELECT's +OK
 * (one more loopback round trip): a failed SELECT leaves the connection on database 0, and a
 * pipelined XADD would land there, in a stream no daemon of this install reads.
 */
export function xadd(endpoint: RedisEndpoint, key: string, fields: readonly string[], timeoutMs: number): Promise<XaddResult> {
  const prelude: string[][] = [];
  if (endpoint.auth) prelude.push(endpoint.auth.username ? ['AUTH', endpoint.auth.username, endpoint.auth.password] : ['AUTH', endpoint.auth.password]);
  if (endpoint.db) prelude.push(['SELECT', String(endpoint.db)]);
  /** Name of the command each expected reply answers, in order. */
  const names = [...prelude.map((command) => command[0]!), 'XADD'];
  const preludeText = prelude.map(encodeCommand).join('');
  const xaddText = encodeCommand(['XADD', key, '*', ...fields]);
  const waitForSelect = endpoint.db !== 0;

  return new Promise<XaddResult>((resolve) => {
    let settled = false;
    let pending: Buffer = Buffer.alloc(0);
    let answered = 0;
    const socket =
      endpoint.kind === 'tcp' ? createConnection({ host: endpoint.host, port: endpoint.port, noDelay: true }) : createConnection({ path: endpoint.path });

    const finish = (result: XaddResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
      // Destroyed on the next turn: a hook that exits right after the reply skips the work
      // (~0.7 ms of first-run code); anyone who stays still gets the socket closed.
      setImmediate(() => socket.destroy());
    };
    const timer = setTimeout(() => finish({ ok: false, error: `no reply within ${timeoutMs} ms` }), timeoutMs);

    socket.on('error', (error) => finish({ ok: false, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    socket.on('close', () => finish({ ok: false, error: 'connection closed before the reply' }));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        const parsed = parseReply(pending, offset);
        if (!parsed) break;
        offset = parsed.next;
        answered++;
        const { reply } = parsed;
        // The first error decides: with AUTH or SELECT failing, XADD may have gone to the wrong
        // place or nowhere; the spool is the safe copy (event_id makes a replay idempotent).
        if (reply.error) return finish({ ok: false, error: `${names[answered - 1]}: ${reply.value}` });
        if (waitForSelect && answered === prelude.length) socket.write(xaddText);
        if (answered === names.length) {
          return finish(typeof reply.value === 'string' && reply.value !== '' ? { ok: true, id: reply.value } : { ok: false, error: 'XADD returned no id' });
        }
      }
      pending = pending.subarray(offset);
    });
    // Written before the connection is up: net queues it and sends it in one go on connect.
    socket.write(waitForSelect ? preludeText : preludeText + xaddText);
  });
}
