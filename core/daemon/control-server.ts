// The daemon's end of the control socket: a unix socket (mode 0600, in a private folder) that
// reads JSON lines and answers each request through a handler. Only the process holding the
// daemon lock listens, so removing a leftover socket file first can never take it from a live
// daemon.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Log } from '../log.ts';
import { CONTROL_PROTOCOL_VERSION, MAX_CONTROL_LINE_BYTES, encodeMessage, parseControlRequest } from './control-protocol.ts';
import type { ControlRequest, ControlResponse } from './control-protocol.ts';
import { errorFields } from './daemon-log.ts';

/** How long close() lets connected clients hang up by themselves. */
const CLOSE_GRACE_MS = 300;

export type ControlHandler = (request: ControlRequest) => Promise<ControlResponse>;

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private readonly path: string;
  private readonly handler: ControlHandler;
  private readonly log: Log;

  constructor(path: string, handler: ControlHandler, log: Log) {
    this.path = path;
    this.handler = handler;
    this.log = log;
    this.server = createServer((socket) => this.serve(socket));
    this.server.on('error', (error) => this.log.error('control_socket_error', errorFields(error)));
  }

  /** Call only while holding the daemon lock: a socket file left by a dead daemon is removed. */
  async listen(): Promise<void> {
    removeIfPresent(this.path);
    // bind() creates the socket file with the umask applied; a tight umask for that one
    // synchronous call means the file is never, even briefly, open to other users.
    const previousUmask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.path, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(previousUmask);
    }
    chmodSync(this.path, 0o600);
  }

  /**
   * Stops listening, ends open connections (a response already written, such as the reply to
   * `stop`, still reaches its client; a client that does not hang up is cut after a moment),
   * removes the socket file. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.connections) socket.end();
      const cut = setTimeout(() => {
        for (const socket of this.connections) socket.destroy();
      }, CLOSE_GRACE_MS);
      const done = (): void => {
        clearTimeout(cut);
        resolve();
      };
      if (!this.server.listening) return done();
      this.server.close(done);
    }).then(() => removeIfPresent(this.path));
    return this.closing;
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = '';
    // Requests on one connection are answered one at a time, in order.
    let queue = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      buffered += text;
      if (Buffer.byteLength(buffered) > MAX_CONTROL_LINE_BYTES) {
        this.log.warn('control_request_too_long', { bytes: Buffer.byteLength(buffered) });
        socket.destroy();
        return;
      }
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() === '') continue;
        queue = queue.then(() => this.answer(socket, line));
      }
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    const request = parseControlRequest(line);
    let response: ControlResponse;
    if (!request) {
      response = { type: 'error', protocol: CONTROL_PROTOCOL_VERSION, message: 'unknown request; expected {"type":"status"}, {"type":"stop"} or {"type":"metrics_rebuild"}' };
    } else {
      try {
        response = await this.handler(request);
      } catch (error) {
        this.log.error('control_request_failed', { request: request.type, ...errorFields(error) });
        response = { type: 'error', protocol: CONTROL_PROTOCOL_VERSION, message: `${request.type} failed: ${(error as Error).message}` };
      }
    }
    if (socket.writable) socket.write(encodeMessage(response));
  }
}
