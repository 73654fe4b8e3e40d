import type { ClientChatRequest } from '../../../gateway/engine/route-chat.js';
import { ApiError } from '../../../http/errors.js';
import { parseOrThrow } from '../../../http/zod-errors.js';
import { responsesPassThroughAdapter } from '../../../providers/openai/responses.js';
import { providerAdapter } from '../../../providers/registry.js';
import type { ProviderAdapter } from '../../../providers/types.js';
import type { InputItem, ResponsesRequest } from './request-schema.js';
import { responsesRequestSchema } from './request-schema.js';
import type { ResponseEcho } from './output.js';
import type { IdKind, ResponseState } from './state.js';
import { toChatBody } from './to-chat.js';

/** What a sealed response id carries: its Response object (without id), its output items and the conversation before them. */
export interface SealedResponse {
  readonly response: Record<string, unknown>;
  readonly output: readonly InputItem[];
  readonly input: readonly InputItem[];
}

/** A Responses API request read for the engine, with what its answer needs. */
export interface ResponsesChatRequest extends ClientChatRequest {
  readonly responses: {
    readonly state: ResponseState;
    /** The whole conversation this request continues and adds to: what its response id will carry. */
    readonly input: readonly InputItem[];
    /** The request's settings, as its Response object shows them. */
    readonly echo: ResponseEcho;
    /** Whether the caller asked for state it can reference later (`store`, true unless false). */
    readonly store: boolean;
  };
}

const OUTPUT_ITEM_KINDS: readonly IdKind[] = ['message', 'function_call', 'reasoning'];

/**
 * A Responses API body as the engine's request. Ids RouKey sealed for this account (a previous response, item
 * references) are opened into the items they carry, for every target. Other ids stay as they are for targets that
 * serve the Responses API (they are that provider's); for the others they are the 400 that says what to send.
 */
export function readResponsesRequest(json: unknown, state: ResponseState): ResponsesChatRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  const request = parseOrThrow(responsesRequestSchema, json);
  const model = request.model ?? '';
  if (!request.model && !request.models) throw new ApiError('invalid_request', 'model is required and must be a string', { param: 'model' });

  let unresolved: ApiError | undefined;
  // Keeps the first id no target but the provider that issued it can use: `require` throws the 400 that says why.
  const refuse = (param: string, id: string, kinds: readonly IdKind[]) => {
    try {
      state.require(kinds, id, param);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      unresolved ??= err;
    }
  };

  const passBody: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  delete passBody.models;
  let earlier: InputItem[] = [];
  const previousId = request.previous_response_id;
  if (previousId) {
    const previous = state.open(['response'], previousId, 'previous_response_id') as SealedResponse | undefined;
    if (previous) {
      earlier = [...previous.input, ...previous.output];
      delete passBody.previous_response_id;
    } else refuse('previous_response_id', previousId, ['response']);
  }

  const sent: InputItem[] = typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : (request.input ?? []);
  const resolved: InputItem[] = [];
  const passed: InputItem[] = [];
  sent.forEach((item, i) => {
    if (item.type !== 'item_reference') {
      resolved.push(item);
      passed.push(item);
      return;
    }
    const id = typeof item.id === 'string' ? item.id : '';
    const opened = state.open(OUTPUT_ITEM_KINDS, id, `input[${i}].id`) as InputItem | undefined;
    if (opened) {
      resolved.push(opened);
      passed.push(...asInputItems([opened]));
    } else {
      refuse(`input[${i}].id`, id, OUTPUT_ITEM_KINDS);
      passed.push(item);
    }
  });
  if (earlier.length > 0 || passed.some((item, i) => item !== sent[i])) passBody.input = [...asInputItems(earlier), ...passed];

  const input = [...earlier, ...resolved];
  if (input.length === 0) throw new ApiError('invalid_request', 'input is required: a string or an array of input items.', { param: 'input' });
  const translation = toChatBody(request, input);
  const problem = unresolved ?? translation.problem;
  const stream = request.stream === true;
  return {
    body: { ...translation.body, model, ...(request.models ? { models: request.models } : {}) },
    model,
    ...(request.models ? { models: request.models } : {}),
    stream,
    // Responses always report usage; the engine keeps the usage chunk for response.completed.
    includeUsage: true,
    adapterFor: (provider, systemPrompt) =>
      responsesPassThroughAdapter(provider, { body: passBody }, systemPrompt) ?? (problem ? refusingAdapter(providerAdapter(provider), problem) : undefined),
    responses: { state, input, echo: echoOf(request, model), store: request.store !== false },
  };
}

/** A target's adapter that refuses the request: the 400 it gets instead of a translation that would drop something. */
function refusingAdapter(adapter: ProviderAdapter, problem: ApiError): ProviderAdapter {
  return {
    ...adapter,
    chatRequest: () => {
      throw problem;
    },
  };
}

/**
 * Items opened from RouKey's ids, as input a provider that serves the Responses API takes: an assistant message
 * or a function call; reasoning a translated target produced means nothing to another model, so it is left out.
 */
function asInputItems(items: readonly InputItem[]): InputItem[] {
  return items.flatMap((item): InputItem[] => {
    if (item.type === 'reasoning') return [];
    if (item.type === 'function_call') return [{ type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments }];
    if (item.type === 'message' && item.role === 'assistant' && Array.isArray(item.content)) {
      const content = item.content.map((part: Record<string, unknown>) => (part.type === 'refusal' ? part : { type: 'output_text', text: part.text }));
      return [{ type: 'message', role: 'assistant', content }];
    }
    return [item];
  });
}

/** The request's settings as a Response object shows them, with OpenAI's defaults for those not sent. */
function echoOf(request: ResponsesRequest, model: string): ResponseEcho {
  return {
    model: model || (request.models?.[0] ?? ''),
    instructions: request.instructions ?? null,
    tools: request.tools ?? [],
    tool_choice: request.tool_choice ?? 'auto',
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    metadata: request.metadata ?? {},
    max_output_tokens: request.max_output_tokens ?? null,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store !== false,
  };
}
