import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { UpstreamError } from './types.js';

/**
 * The events of a server-sent-events byte stream, as they arrive. Bytes may be split anywhere (inside a UTF-8
 * sequence, a line, a field); the decoder and parser carry partial data over. A network failure while reading
 * becomes an UpstreamError; a consumer that stops early cancels the upstream body.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const reader = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let read: IteratorResult<Uint8Array>;
      try {
        read = await reader.next();
      } catch {
        throw new UpstreamError({ kind: 'stream', message: 'The upstream connection failed mid-stream.' });
      }
      if (read.done) break;
      parser.feed(decoder.decode(read.value, { stream: true }));
      // Index walk instead of shift(): most reads carry one or two events.
      for (const event of pending) yield event;
      pending.length = 0;
    }
    parser.feed(decoder.decode());
    parser.reset({ consume: true });
    for (const event of pending) yield event;
    finished = true;
  } finally {
    if (!finished) await release(reader);
  }
}

/**
 * Stops reading early. A body whose end has already arrived (the usual case after `[DONE]`) is read to that end,
 * so its keep-alive connection is reused; a body still flowing is closed, which aborts the upstream response.
 */
async function release(reader: AsyncIterator<Uint8Array>): Promise<void> {
  const ended = await Promise.race([
    reader.next().then(
      (r) => r.done === true,
      () => false,
    ),
    new Promise<false>((resolve) => setImmediate(() => resolve(false))),
  ]);
  if (!ended) await reader.return?.().catch(() => undefined);
}
