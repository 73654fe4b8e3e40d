import type { Writable } from 'node:stream';
import { ClientDisconnectedError } from '../client-errors.js';

/** Sends status and headers (API Gateway's streaming prelude) and returns the stream to write the body to. */
export function openResponse(responseStream: Writable, statusCode: number, headers: Record<string, string>): Writable {
  return awslambda.HttpResponseStream.from(responseStream, { statusCode, headers });
}

/** Writes text, waiting for the client to drain when it is slow; rejects if the client has gone. */
export function writeText(stream: Writable, text: string): Promise<void> | void {
  if (stream.destroyed) throw new ClientDisconnectedError();
  if (stream.write(text)) return;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('close', onGone);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onGone = () => {
      cleanup();
      reject(new ClientDisconnectedError());
    };
    stream.on('drain', onDrain);
    stream.on('close', onGone);
  });
}

/** Ends the response; resolves once the last byte is handed over (or at once if the client has gone). */
export function endResponse(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', resolve);
    stream.end(resolve);
  });
}

/** A whole answer on a streamed response (a route with no engine answer to stream): status, headers, body, end. */
export async function writeWholeAnswer(responseStream: Writable, statusCode: number, headers: Record<string, string>, body: string): Promise<void> {
  const out = openResponse(responseStream, statusCode, headers);
  await Promise.resolve(writeText(out, body)).catch(() => undefined);
  await endResponse(responseStream);
}
