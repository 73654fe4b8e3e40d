import { readSseEvents } from '../../../lambdas/providers/sse-reader.js';

/** A body that yields `parts`, then either ends or keeps the stream open, recording whether it was closed. */
function body(parts: string[], options: { endsAfterParts: boolean }) {
  const state = { closed: false };
  const encoder = new TextEncoder();
  const iterable: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () =>
          i < parts.length
            ? Promise.resolve({ done: false, value: encoder.encode(parts[i++]!) })
            : options.endsAfterParts
              ? Promise.resolve({ done: true, value: undefined })
              : new Promise<never>(() => undefined),
        return: async () => {
          state.closed = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { iterable, state };
}

async function readUntilDone(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of readSseEvents(source)) {
    seen.push(event.data);
    if (event.data === '[DONE]') break;
  }
  return seen;
}

describe('SSE reader', () => {
  it('reads a body that has already ended to its end when the consumer stops at [DONE], so the connection is reused', async () => {
    const { iterable, state } = body(['data: {"a":1}\n\n', 'data: [DONE]\n\n'], { endsAfterParts: true });
    expect(await readUntilDone(iterable)).toEqual(['{"a":1}', '[DONE]']);
    expect(state.closed).toBe(false);
  });

  it('closes a body that is still flowing when the consumer stops early', async () => {
    const { iterable, state } = body(['data: {"a":1}\n\n', 'data: [DONE]\n\n'], { endsAfterParts: false });
    expect(await readUntilDone(iterable)).toEqual(['{"a":1}', '[DONE]']);
    expect(state.closed).toBe(true);
  });
});
