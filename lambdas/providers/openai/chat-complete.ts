import type { UpstreamCredentials } from '../types.js';
import { z } from 'zod';
import { parseAnswer } from '../answer-json.js';
import { readSseEvents } from '../sse-reader.js';
import {
  UpstreamError,
  type ChatChunk,
  type ChatRequest,
  type ChatResponse,
  type UpstreamFailure,
  type UpstreamHttpRequest,
  type UpstreamResponse,
  type Usage,
} from '../types.js';
import { chatCompletionsUrl, openaiHeaders } from './api.js';
import type { OpenAiPreset } from './presets.js';

/**
 * OpenAI's chat completions: the gateway's own shapes, so translation is the identity except for `model` and
 * the usage request on streams. Unknown fields pass through untouched.
 */
export function buildChatRequest(preset: OpenAiPreset, request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest {
  const body: Record<string, unknown> = { ...request.body, model: request.model };
  if (!preset.streamOptions) {
    // This upstream rejects the field outright; it reports usage on its final chunk without being asked.
    delete body.stream_options;
  } else if (request.stream) {
    // Always ask for usage so metering has token counts; the gateway drops the usage chunk if the client did not ask.
    body.stream_options = { ...(request.body.stream_options as Record<string, unknown> | undefined), include_usage: true };
  }
  return {
    url: chatCompletionsUrl(credentials, preset, request.model),
    method: 'POST',
    headers: { ...openaiHeaders(credentials, true, preset), accept: request.stream ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify(body),
  };
}

/** What the gateway reads of an OpenAI answer; the answer's text itself goes to the client unchanged. */
const answerSchema = z.looseObject({
  choices: z.array(z.looseObject({ finish_reason: z.string().nullish().catch(undefined) })),
  usage: z.custom<Usage>().nullish(),
});

export async function readChatResponse(response: UpstreamResponse): Promise<ChatResponse> {
  const json = await response.text();
  const parsed = parseAnswer(json, answerSchema);
  return { json, usage: parsed.usage ?? undefined, finishReason: parsed.choices[0]?.finish_reason ?? undefined };
}

/** The chunks of an OpenAI SSE stream up to `[DONE]`. An `error` event or a stream cut before any finish is a failure. */
export async function* readChatStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  let finished = false;
  for await (const event of readSseEvents(body)) {
    const data = event.data;
    if (data === '[DONE]') return;
    let chunk: ChatChunk & { error?: { message?: unknown } };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      throw new UpstreamError({ kind: 'stream', message: 'The upstream sent an invalid stream event.' });
    }
    if (chunk.error !== undefined) {
      throw new UpstreamError({ kind: 'stream', message: typeof chunk.error?.message === 'string' ? chunk.error.message : undefined });
    }
    if (!finished && chunk.choices?.some((c) => c.finish_reason)) finished = true;
    yield chunk;
  }
  // Some OpenAI-compatible servers omit [DONE]; a stream that never finished a choice was cut short.
  if (!finished) throw new UpstreamError({ kind: 'stream', message: 'The upstream stream ended before the completion finished.' });
}

export async function readFailure(response: UpstreamResponse): Promise<UpstreamFailure> {
  let message: string | undefined;
  try {
    const body = JSON.parse(await response.text()) as { error?: { message?: unknown } | string; message?: unknown };
    const candidate = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof candidate === 'string' && candidate.length > 0) message = candidate.slice(0, 1_000);
  } catch {
    // Not JSON: the status alone decides.
  }
  const retryAfter = response.header('retry-after');
  return { kind: 'http', status: response.status, message, retryAfter };
}
