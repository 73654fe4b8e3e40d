import { z } from 'zod';
import type { ProviderId } from '../../provider-ids.js';
import { parseAnswer } from '../answer-json.js';
import { readSseEvents } from '../sse-reader.js';
import { UpstreamError, type ChatChunk, type ChatRequest, type ChatResponse, type ProviderAdapter, type UpstreamCredentials, type Usage } from '../types.js';
import { openaiHeaders, responsesUrl } from './api.js';
import { readFailure } from './chat-complete.js';
import { buildModelsRequest, readModels } from './models.js';
import { openAiPreset, type OpenAiPreset } from './presets.js';

/**
 * The Responses API passed through to a provider that serves it (presets with `servesResponses`): the client's
 * body goes as it is, with the target's model, and the provider's answer comes back as it is. The engine still
 * meters it: each streamed event rides on a chunk whose delta says what the engine needs (a token arrived, the
 * finish reason, the usage), and the front end writes the event itself (`passedThroughEvent`).
 */

/** A Responses API request as its front end hands it over for passing through. */
export interface ResponsesPassThrough {
  /** The client's body, with RouKey's own fields and ids already resolved away. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** One streamed event as the provider sent it: its SSE `event:` name and its `data:` text. */
export interface PassedThroughEvent {
  readonly event: string;
  readonly data: string;
}

const PASSED_THROUGH = Symbol('passed-through Responses event');

type CarrierChunk = ChatChunk & { readonly [PASSED_THROUGH]?: PassedThroughEvent };

/** The provider's own event a chunk carries, when the chunk came from a Responses pass-through. */
export function passedThroughEvent(chunk: ChatChunk): PassedThroughEvent | undefined {
  return (chunk as CarrierChunk)[PASSED_THROUGH];
}

/** Whether `provider` serves the Responses API itself, so Responses requests pass through to it. */
export function servesResponses(provider: ProviderId): boolean {
  return openAiPreset(provider)?.servesResponses === true;
}

/** The adapter that passes `request` through to `provider`, or undefined when the provider does not serve the Responses API. */
export function responsesPassThroughAdapter(provider: ProviderId, request: ResponsesPassThrough, systemPrompt?: string): ProviderAdapter | undefined {
  const preset = openAiPreset(provider);
  if (!preset?.servesResponses) return undefined;
  return {
    id: provider,
    chatRequest: (chat, credentials) => buildRequest(preset, request, chat, credentials, systemPrompt),
    readChatResponse: async (response) => readAnswer(await response.text()),
    readChatStream: readEvents,
    readFailure,
    modelsRequest: (credentials) => buildModelsRequest(preset, credentials),
    readModels: (response) => readModels(preset, response),
  };
}

function buildRequest(preset: OpenAiPreset, request: ResponsesPassThrough, chat: ChatRequest, credentials: UpstreamCredentials, systemPrompt?: string) {
  const body: Record<string, unknown> = { ...request.body, model: chat.model };
  if (systemPrompt !== undefined) body.instructions = withSystemPrompt(systemPrompt, body.instructions);
  return {
    url: responsesUrl(credentials, preset),
    method: 'POST' as const,
    headers: { ...openaiHeaders(credentials, true, preset), accept: chat.stream ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify(body),
  };
}

/** The role's system prompt ahead of the caller's instructions (a string, or a list of input items). */
function withSystemPrompt(systemPrompt: string, instructions: unknown): unknown {
  if (Array.isArray(instructions)) return [{ role: 'developer', content: systemPrompt }, ...instructions];
  return typeof instructions === 'string' && instructions.length > 0 ? `${systemPrompt}\n\n${instructions}` : systemPrompt;
}

const responsesUsage = z.looseObject({
  input_tokens: z.number(),
  output_tokens: z.number(),
  total_tokens: z.number().optional(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().optional() }).nullish(),
});

/** What the engine reads of a Response object; the rest goes to the client untouched. */
const responseSchema = z.looseObject({
  status: z.string().nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  output: z.array(z.looseObject({ type: z.string() })).nullish(),
  usage: responsesUsage.nullish(),
});
type ResponseFacts = z.infer<typeof responseSchema>;

function readAnswer(json: string): ChatResponse {
  const response = parseAnswer(json, responseSchema);
  return { json, usage: chatUsage(response.usage), finishReason: finishReason(response) };
}

/** Responses usage in the chat shape the engine meters. */
function chatUsage(usage: ResponseFacts['usage']): Usage | undefined {
  if (!usage) return undefined;
  const cached = usage.input_tokens_details?.cached_tokens;
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
    ...(cached !== undefined ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}

function finishReason(response: ResponseFacts): string {
  const reason = response.incomplete_details?.reason;
  if (response.status === 'incomplete') return reason === 'content_filter' ? 'content_filter' : 'length';
  return response.output?.some((item) => item.type === 'function_call') ? 'tool_calls' : 'stop';
}

const eventSchema = z.looseObject({
  type: z.string(),
  delta: z.unknown().optional(),
  output_index: z.number().optional(),
  item: z.looseObject({ type: z.string(), call_id: z.string().optional(), name: z.string().optional() }).optional(),
  response: responseSchema.optional(),
  message: z.unknown().optional(),
});

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete']);

/**
 * The provider's events, each on a chunk that meters it. An `error` or `response.failed` event is a failure (before
 * the first token the engine may still retry or fall back; after it the front end reports it in-band), and so is a
 * stream that ends before its response does.
 */
async function* readEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  for await (const sse of readSseEvents(body)) {
    if (sse.data === '[DONE]') continue;
    const event = parseAnswer(sse.data, eventSchema, 'The provider stream');
    if (event.type === 'error' || event.type === 'response.failed') {
      const message = typeof event.message === 'string' ? event.message : undefined;
      throw new UpstreamError({ kind: 'stream', message: message?.slice(0, 1_000) });
    }
    const chunk: CarrierChunk = { id: '', object: 'chat.completion.chunk', created: 0, model: '', ...meteringView(event) };
    yield Object.assign(chunk, { [PASSED_THROUGH]: { event: sse.event ?? event.type, data: sse.data } });
    if (TERMINAL_EVENTS.has(event.type)) return;
  }
  throw new UpstreamError({ kind: 'stream', message: 'The provider stream ended before the response was complete.' });
}

/** What an event tells the engine's meter: output arriving (the first token), or the end with its usage. */
function meteringView(event: z.infer<typeof eventSchema>): Pick<ChatChunk, 'choices' | 'usage'> {
  const delta = typeof event.delta === 'string' ? event.delta : '';
  const choice = (d: Record<string, unknown>) => ({ choices: [{ index: 0, delta: d, finish_reason: null }] });
  switch (event.type) {
    case 'response.output_text.delta':
      return choice({ content: delta });
    case 'response.refusal.delta':
      return choice({ refusal: delta });
    case 'response.reasoning_text.delta':
    case 'response.reasoning_summary_text.delta':
      return choice({ reasoning_content: delta });
    case 'response.function_call_arguments.delta':
      return choice({ tool_calls: [{ index: event.output_index ?? 0, function: { arguments: delta } }] });
    case 'response.output_item.added':
      // Any item but a message or reasoning is a call (a function's, or one of the provider's own tools): output has begun.
      return event.item && event.item.type !== 'message' && event.item.type !== 'reasoning' ? choice({ tool_calls: [] }) : { choices: [] };
    case 'response.completed':
    case 'response.incomplete': {
      const response = event.response ?? {};
      return { choices: [{ index: 0, delta: {}, finish_reason: finishReason(response) }], usage: chatUsage(response.usage) };
    }
    default:
      return { choices: [] };
  }
}
