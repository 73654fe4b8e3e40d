import { UpstreamError, type ChatChunk, type ChatRequest, type ChatResponse, type ProviderAdapter, type UpstreamResponse } from '../../providers/types.js';
import { isFinishReason } from '../../store/activity-record.js';
import type { UpstreamCall } from '../transport/upstream-call.js';
import { clientChunks } from './client-chunks.js';
import { answerUsage, hasToken, StreamMeter, type Metering } from './stream-meter.js';

/**
 * The engine's answer, in OpenAI's shapes whatever the provider: a whole completion, or its chunks. Reading
 * `chunks` throws ClientDisconnectedError or UpstreamError (see client-errors.ts `inBandError`).
 */
export type ChatAnswer = { readonly kind: 'json'; readonly response: ChatResponse } | { readonly kind: 'stream'; readonly chunks: AsyncIterable<ChatChunk> };

/** An upstream answer that has started well: the whole completion, or a stream whose first token has arrived. */
export interface StartedAnswer {
  readonly answer: ChatAnswer;
  /** What the answer tells about itself: complete once `finish` has run. */
  readonly metering: Metering;
  /** Releases the upstream stream and completes metering; call once delivery has ended. */
  finish(): Promise<void>;
  /** What ended the stream after its first chunk (an UpstreamError, or the client's going); undefined when nothing did. */
  midStreamFailure(): Error | undefined;
}

/**
 * The most chunks held back before the first token. Providers send one or two (a role, a content filter's
 * verdict); holding any number would let an upstream grow the gateway's memory without ever answering.
 */
export const MAX_CHUNKS_BEFORE_TOKEN = 16;

/**
 * Reads an upstream answer until it has provably started: the whole answer when not streamed, the first token
 * when streamed (chunks before it, such as OpenAI's role-only first chunk, are held back, up to
 * MAX_CHUNKS_BEFORE_TOKEN). Nothing has reached the client yet, so failures up to here are thrown and the attempt
 * loop may still retry or fall back. Once started, the call's idle timeout and the request's deadline bound the
 * stream (UpstreamCall). The time to first token counts from `receivedAt`, when the request arrived.
 */
export async function openAnswer(
  adapter: ProviderAdapter,
  response: UpstreamResponse,
  request: ChatRequest,
  call: UpstreamCall,
  receivedAt: number,
): Promise<StartedAnswer> {
  if (!request.stream) {
    const answer = await adapter.readChatResponse(response);
    call.answerRead();
    const metering: Metering = {
      usage: answerUsage(answer.usage, request.body, answer.json),
      ...(isFinishReason(answer.finishReason) ? { finishReason: answer.finishReason } : {}),
    };
    return { answer: { kind: 'json', response: answer }, metering, finish: async () => undefined, midStreamFailure: () => undefined };
  }
  const meter = new StreamMeter(receivedAt);
  const chunks = clientChunks(adapter.readChatStream(response.body), meter, request.includeUsage)[Symbol.asyncIterator]();
  const held: ChatChunk[] = [];
  let next: IteratorResult<ChatChunk>;
  try {
    // A stream that ends without any token is answered as it is.
    while (!(next = await chunks.next()).done && !hasToken(next.value)) {
      if (held.length === MAX_CHUNKS_BEFORE_TOKEN) {
        throw new UpstreamError({ kind: 'stream', message: `The upstream sent more than ${MAX_CHUNKS_BEFORE_TOKEN} chunks before its first token.` });
      }
      held.push(next.value);
    }
  } catch (err) {
    await chunks.return?.(undefined).catch(() => undefined);
    throw err;
  }
  if (!next.done) held.push(next.value);
  call.streamStarted();
  let broke: Error | undefined;
  return {
    answer: {
      kind: 'stream',
      chunks: resumed(held, next.done === true, chunks, call, (failure) => {
        broke = failure;
      }),
    },
    metering: meter.metering,
    async finish() {
      await chunks.return?.(undefined);
      // Tokens were spent once the model started answering, even if the stream broke later.
      meter.finish(request.body);
    },
    midStreamFailure: () => broke,
  };
}

/** The chunks read so far, then the rest of the stream, with read failures classified as what really happened. */
async function* resumed(
  held: readonly ChatChunk[],
  ended: boolean,
  rest: AsyncIterator<ChatChunk>,
  call: UpstreamCall,
  onBreak: (failure: Error) => void,
): AsyncGenerator<ChatChunk> {
  yield* held;
  if (ended) return;
  for (;;) {
    let next: IteratorResult<ChatChunk>;
    call.awaitingChunk();
    try {
      next = await rest.next();
    } catch (err) {
      const failure = call.classify(err);
      onBreak(failure);
      throw failure;
    }
    call.chunkArrived();
    if (next.done) return;
    yield next.value;
  }
}
