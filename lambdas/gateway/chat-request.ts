import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import { parseOrThrow } from '../http/zod-errors.js';
import type { ChatRequest } from '../providers/types.js';

/**
 * `<provider-key name>/<model id>`: a provider-key name (the slug lambdas/keys/key-schemas.ts accepts), a slash,
 * then a model id, which may itself contain slashes (`hf/meta-llama/Llama-3.1-8B`) or colons (`llama3:8b`).
 */
const MODEL_PATTERN = /^([a-z0-9-]{1,64})\/([A-Za-z0-9._:@+/-]{1,200})$/;

/**
 * The fields the router reads; every other field passes through to OpenAI-format upstreams unchanged.
 * Messages are checked only for being objects with a role: their content is the provider's business.
 */
export const chatRequestSchema = z.looseObject({
  model: z.string({ error: 'model is required and must be a string' }).regex(MODEL_PATTERN, {
    error: 'model must have the form "<provider-key name>/<model id>", for example "openai/gpt-4o-mini"',
  }),
  messages: z.array(z.looseObject({ role: z.string() }), { error: 'messages must be an array of messages' }).min(1, {
    error: 'messages must not be empty',
  }),
  stream: z.boolean({ error: 'stream must be a boolean' }).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

/** The request body (raw text) as a ChatRequest, or an ApiError naming the offending field. */
export function parseChatRequest(text: string | null | undefined): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new ApiError('invalid_request', 'The request body is not valid JSON.');
  }
  return chatRequestFromJson(json);
}

/** A parsed JSON body (OpenAI's chat shape, as sent or as translated by an inbound edge) as a ChatRequest. */
export function chatRequestFromJson(json: unknown): ChatRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  }
  const body = parseOrThrow(chatRequestSchema, json);
  const [, providerKeyName, model] = MODEL_PATTERN.exec(body.model)!;
  return {
    body,
    providerKeyName: providerKeyName!,
    model: model!,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  };
}
