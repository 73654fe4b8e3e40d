import { APIError, type OpenAI } from 'openai';
import { expectValid } from './openai-schema.js';
import { rejectionOf } from './thrown.js';

/**
 * Calls `model` through the official client, streamed and not: each call must fail with `status` and an OpenAI
 * error body; a 429 must carry the upstream's `retryAfter`, and a 424 must say it was the provider key.
 */
export async function expectMappedFailure(client: OpenAI, model: string, status: number, retryAfter: string): Promise<void> {
  const messages = [{ role: 'user' as const, content: 'Say hello.' }];
  for (const stream of [false, true]) {
    const err = await rejectionOf(
      APIError,
      client.chat.completions.create({ model, messages, stream }).then(async (result) => {
        // A stream that fails after its status reports the error in-band; iterating surfaces it.
        if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') for await (const _ of result as AsyncIterable<unknown>);
      }),
    );
    expect(err.status).toBe(status);
    expectValid('error', { error: err.error });
    if (status === 429) expect(err.headers?.get('retry-after')).toBe(retryAfter);
    if (status === 424) expect(err.message).toMatch(/provider key/i);
  }
}

/**
 * Reads a stream that breaks after it started: the text that arrived, and the error the client raised (never a
 * clean end). For the "no silent truncation" checks.
 */
export async function readBrokenStream(client: OpenAI, model: string): Promise<{ text: string; error: APIError }> {
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello.' }], stream: true });
  let text = '';
  const error = await rejectionOf(
    APIError,
    (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })(),
  );
  return { text, error };
}
