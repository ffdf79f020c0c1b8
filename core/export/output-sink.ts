// Writing to a Node stream with its backpressure respected: an export never holds more than a
// chunk or a row group in memory, however large the database.
import { once } from 'node:events';

export class OutputSink {
  private readonly output: NodeJS.WritableStream;
  /** Bytes handed to the stream. */
  bytes = 0;

  constructor(output: NodeJS.WritableStream) {
    this.output = output;
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (!this.output.write(chunk)) await once(this.output as NodeJS.EventEmitter, 'drain');
  }
}
