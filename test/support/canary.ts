import type { LocalRuntime } from '../../lib/local/runtime.js';

/**
 * Scaffolding for the P1/P2 privacy tests: a canary to search for, a prompt that carries it, and a record
 * of everything a client received, to prove the canary did travel before proving it was not kept.
 */

/** A unique marker to search tables and logs for. */
export function newCanary(): string {
  return `CANARY-${crypto.randomUUID()}`;
}

/** A chat prompt carrying `canary` in both the system and the user turn. */
export function canaryPrompt(canary: string) {
  return [
    { role: 'system' as const, content: `You are a test. ${canary}` },
    { role: 'user' as const, content: `Repeat this: ${canary}` },
  ];
}

/** An SDK's API error class (openai's or Anthropic's APIError), whose instances carry the error body. */
type ApiErrorClass = abstract new (...args: any[]) => Error & { error: unknown };

/**
 * Runs `call` to its end and appends what the client received to `into`: each chunk of a stream, the whole
 * result otherwise, or the error body (and, unless `errorMessage` is false, its message) of a failure.
 */
export async function recordOutcome(
  into: string[],
  errorType: ApiErrorClass,
  call: () => Promise<unknown>,
  { errorMessage = true }: { errorMessage?: boolean } = {},
): Promise<void> {
  try {
    const result = await call();
    if (result && typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const chunk of result as AsyncIterable<unknown>) into.push(JSON.stringify(chunk));
    } else {
      into.push(JSON.stringify(result));
    }
  } catch (err) {
    if (!(err instanceof errorType)) throw err;
    into.push(JSON.stringify(err.error));
    if (errorMessage) into.push(err.message);
  }
}

/**
 * Lets the after-response metadata writes land before the tables are searched: a turn of the event loop for the
 * handlers to hand over the records of answers that have just ended, then the writer thread stores them.
 */
export async function settleMetadataWrites(runtime: Pick<LocalRuntime, 'flushActivity'>): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await runtime.flushActivity();
}
