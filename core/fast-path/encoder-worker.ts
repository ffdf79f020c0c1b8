// Entry of the encoder worker thread (see event-encoder.ts): validates and compresses batches of
// stream entries off the ingest thread. Built to dist/core/encoder-worker.js next to the daemon.
import { parentPort } from 'node:worker_threads';
import { encodeForTransfer } from './event-encoder.ts';
import type { EncodeRequest } from './event-encoder.ts';

parentPort?.on('message', (request: EncodeRequest) => {
  const reply = encodeForTransfer(request);
  parentPort!.postMessage(reply, [reply.data]);
});
