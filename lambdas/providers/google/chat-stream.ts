import { readSseEvents } from '../sse-reader.js';
import { UpstreamError, type ChatChunk, type Usage } from '../types.js';
import { completionId, openaiFinishReason, openaiUsage, splitParts } from './candidate.js';
import { parseGenerateContentResponse } from './chat-response.js';
import { geminiErrorSchema } from './wire.js';

const BLANK = /^\s*$/;

/** Per candidate (OpenAI choice): what has been sent so far. */
interface ChoiceState {
  toolCalls: number;
  finished: boolean;
}

/**
 * Gemini's SSE stream (each event a GenerateContentResponse holding only the new parts) as OpenAI chunks: a
 * role chunk per choice, text and reasoning deltas, each function call whole with a stable index, a finish
 * chunk, then one usage chunk (`choices: []`) from the last usageMetadata. A stream that ends before every
 * choice has finished was cut short.
 */
export async function* readChatStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  // Set by the first event, before any chunk is made.
  let head = { id: '', created: 0, model: '' };
  const choices = new Map<number, ChoiceState>();
  let usage: Usage | undefined;
  let blocked = false;

  // Made once, not per event: this loop runs for every token the provider streams.
  const chunk = (index: number, delta: Record<string, unknown>, finishReason: string | null = null): ChatChunk => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
  });

  for await (const event of readSseEvents(body)) {
    if (BLANK.test(event.data)) continue;
    const failure = streamedError(event.data);
    if (failure !== undefined) throw new UpstreamError({ kind: 'stream', message: failure });
    const gemini = parseGenerateContentResponse(event.data);
    if (head.id === '') head = { id: completionId(gemini.responseId), created: Math.floor(Date.now() / 1000), model: gemini.modelVersion ?? 'gemini' };
    if (gemini.usageMetadata) usage = openaiUsage(gemini.usageMetadata);

    for (const [i, candidate] of (gemini.candidates ?? []).entries()) {
      const index = candidate.index ?? i;
      let state = choices.get(index);
      if (!state) {
        state = { toolCalls: 0, finished: false };
        choices.set(index, state);
        yield chunk(index, { role: 'assistant', content: '' });
      }
      const { text, thoughts, calls } = splitParts(candidate.content?.parts ?? []);
      if (thoughts.length > 0) yield chunk(index, { reasoning_content: thoughts });
      if (text.length > 0) yield chunk(index, { content: text });
      if (calls.length > 0) {
        const choice = state;
        yield chunk(index, { tool_calls: calls.map((call) => ({ index: choice.toolCalls++, ...call })) });
      }
      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        yield chunk(index, {}, openaiFinishReason(candidate.finishReason, state.toolCalls > 0));
      }
    }
    // A blocked prompt gets no candidate, only promptFeedback: one filtered, empty choice.
    if (gemini.promptFeedback?.blockReason && choices.size === 0 && !blocked) {
      blocked = true;
      choices.set(0, { toolCalls: 0, finished: true });
      yield chunk(0, { role: 'assistant', content: '' });
      yield chunk(0, {}, 'content_filter');
    }
  }
  if (head.id === '' || choices.size === 0 || [...choices.values()].some((c) => !c.finished)) {
    throw new UpstreamError({ kind: 'stream', message: 'The upstream stream ended before the completion finished.' });
  }
  if (usage) yield { ...head, object: 'chat.completion.chunk', choices: [], usage };
}

/** The message of an `{ error: … }` event (Gemini reports mid-stream failures so), or undefined for a normal event. */
function streamedError(data: string): string | undefined {
  if (!data.includes('"error"')) return undefined;
  try {
    const parsed = geminiErrorSchema.safeParse(JSON.parse(data));
    if (parsed.success) return parsed.data.error.message ?? 'The provider stream failed.';
  } catch {
    // Not JSON: parsing the event proper reports it.
  }
  return undefined;
}
