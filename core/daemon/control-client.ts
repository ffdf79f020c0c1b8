// The client end of the control socket: one request, one response, one deadline. Used by the
// CLI (start, stop, status) and by a daemon that lost the lock and wants to name the winner.
import { createConnection } from 'node:net';
import { encodeMessage, parseControlResponse } from './control-protocol.ts';
import type { ControlRequest, ControlResponse, DaemonStatus } from './control-protocol.ts';

/** Why no response came: nothing listens (no daemon), or it did not answer in time, or garbage. */
export class ControlUnavailableError extends Error {
  readonly reason: 'not_listening' | 'timeout' | 'bad_response' | 'closed';

  constructor(message: string, reason: ControlUnavailableError['reason']) {
    super(message);
    this.name = 'ControlUnavailableError';
    this.reason = reason;
  }
}

export function requestDaemon(socketPath: string, request: ControlRequest, timeoutMs: number): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath });
    let buffered = '';
    let settled = false;
    const finish = (error: Error | undefined, response?: ControlResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(response!);
    };
    const timer = setTimeout(() => finish(new ControlUnavailableError(`the daemon did not answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(encodeMessage(request)));
    socket.on('data', (text: string) => {
      buffered += text;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const response = parseControlResponse(buffered.slice(0, newline));
      if (response) finish(undefined, response);
      else finish(new ControlUnavailableError('the daemon sent a response this CLI does not understand', 'bad_response'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const notListening = error.code === 'ENOENT' || error.code === 'ECONNREFUSED';
      finish(new ControlUnavailableError(notListening ? 'no daemon is listening' : `control socket: ${error.message}`, notListening ? 'not_listening' : 'closed'));
    });
    socket.on('close', () => finish(new ControlUnavailableError('the daemon closed the connection without answering', 'closed')));
  });
}

/** The daemon's status, or undefined when no daemon answers within the deadline. */
export async function queryDaemonStatus(socketPath: string, timeoutMs: number): Promise<DaemonStatus | undefined> {
  try {
    const response = await requestDaemon(socketPath, { type: 'status' }, timeoutMs);
    return response.type === 'status' ? response.status : undefined;
  } catch (error) {
    if (error instanceof ControlUnavailableError) return undefined;
    throw error;
  }
}
