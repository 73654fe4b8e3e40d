import type { ChatChunk, ChatRequest, ChatResponse, ProviderAdapter, UpstreamResponse } from '../../providers/types.js';
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
  /** True when the stream failed after its first chunk (reported to the client in-band). */
  brokeMidStream(): boolean;
}

/**
 * Reads an upstream answer until it has provably started: the whole answer when not streamed, the first token
 * when streamed (chunks before it, such as OpenAI's role-only first chunk, are held back). Nothing has reached
 * the client yet, so failures up to here are thrown and the attempt loop may still retry or fall back; the first
 * token disarms the call's timeout, and from then on the stream may take as long as it needs. The time to first
 * token counts from `receivedAt`, when the request arrived.
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
    call.disarm();
    const metering: Metering = {
      usage: answerUsage(answer.usage, request.body, answer.json),
      ...(isFinishReason(answer.finishReason) ? { finishReason: answer.finishReason } : {}),
    };
    return { answer: { kind: 'json', response: answer }, metering, finish: async () => undefined, brokeMidStream: () => false };
  }
  const meter = new StreamMeter(receivedAt);
  const chunks = clientChunks(adapter.readChatStream(response.body), meter, request.includeUsage)[Symbol.asyncIterator]();
  const held: ChatChunk[] = [];
  let next: IteratorResult<ChatChunk>;
  try {
    // A stream that ends without any token is answered as it is.
    while (!(next = await chunks.next()).done && !hasToken(next.value)) held.push(next.value);
  } catch (err) {
    await chunks.return?.(undefined).catch(() => undefined);
    throw err;
  }
  if (!next.done) held.push(next.value);
  call.disarm();
  let broke = false;
  return {
    answer: {
      kind: 'stream',
      chunks: resumed(held, next.done === true, chunks, call, () => {
        broke = true;
      }),
    },
    metering: meter.metering,
    async finish() {
      await chunks.return?.(undefined);
      // Tokens were spent once the model started answering, even if the stream broke later.
      meter.finish(request.body);
    },
    brokeMidStream: () => broke,
  };
}

/** The chunks read so far, then the rest of the stream, with read failures classified as what really happened. */
async function* resumed(
  held: readonly ChatChunk[],
  ended: boolean,
  rest: AsyncIterator<ChatChunk>,
  call: UpstreamCall,
  onBreak: () => void,
): AsyncGenerator<ChatChunk> {
  yield* held;
  if (ended) return;
  for (;;) {
    let next: IteratorResult<ChatChunk>;
    try {
      next = await rest.next();
    } catch (err) {
      const failure = call.classify(err);
      onBreak();
      throw failure;
    }
    if (next.done) return;
    yield next.value;
  }
}
