import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
import { UpstreamError } from './types.js';

/**
 * The most characters one event may hold while it is read (its unfinished line and its data so far). Chat chunks
 * are a few hundred; an upstream that sends one endless line would otherwise be buffered until it stops.
 */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * The events of a server-sent-events byte stream, as they arrive. Bytes may be split anywhere (inside a UTF-8
 * sequence, a line, a field); the decoder and parser carry partial data over. A network failure while reading,
 * or an event larger than MAX_SSE_EVENT_CHARS, becomes an UpstreamError; a consumer that stops early cancels the
 * upstream body.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const decoder = new TextDecoder();
  const pending: EventSourceMessage[] = [];
  let overflow = false;
  const parser = createParser({
    onEvent: (event) => pending.push(event),
    // Other parse errors (an unknown field, a bad `retry`) are ignored, as the SSE spec says.
    onError: (error: ParseError) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = true;
    },
    maxBufferSize: MAX_SSE_EVENT_CHARS,
  });
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
      if (overflow) throw new UpstreamError({ kind: 'stream', message: `The upstream sent a stream event longer than ${MAX_SSE_EVENT_CHARS} characters.` });
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
