import { z } from 'zod';
import type { ClientChatRequest } from '../../gateway/engine/route-chat.js';
import { ApiError } from '../../http/errors.js';
import { parseRequestJson } from '../../http/request-json.js';
import { parseOrThrow } from '../../http/zod-errors.js';
import { TARGET_MODEL } from '../../routing/config-schema.js';

const MAX_INLINE_MODELS = 16;

/** How a request names its route: `model`, and OpenRouter-style `models` fallbacks; one of them is required. */
export const routedModelFields = {
  model: z
    .string({ error: 'model must be a string' })
    .min(1, { error: 'model must not be empty' })
    .max(256, { error: 'model must be at most 256 characters' })
    .optional(),
  models: z
    .array(z.string().regex(TARGET_MODEL, { error: 'each entry must have the form "<provider-key name>/<model id>"' }), {
      error: 'models must be an array of strings',
    })
    .min(1, { error: 'models must not be empty' })
    .max(MAX_INLINE_MODELS, { error: `models must list at most ${MAX_INLINE_MODELS} entries` })
    .optional(),
};

/** The refinement that goes with routedModelFields. */
export const namesModel: [(body: { model?: string; models?: readonly string[] }) => boolean, { error: string; path: string[] }] = [
  (body) => body.model !== undefined || body.models !== undefined,
  { error: 'model is required and must be a string', path: ['model'] },
];

/**
 * The fields the router reads; every other field passes through to OpenAI-format upstreams unchanged.
 * Messages are checked only for being objects with a role: their content is the provider's business.
 */
export const chatRequestSchema = z
  .looseObject({
    ...routedModelFields,
    messages: z.array(z.looseObject({ role: z.string() }), { error: 'messages must be an array of messages' }).min(1, {
      error: 'messages must not be empty',
    }),
    stream: z.boolean({ error: 'stream must be a boolean' }).nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  })
  .refine(...namesModel);

/** The request body (raw text) as a ClientChatRequest, or an ApiError naming the offending field. */
export function parseChatRequest(text: string | null | undefined): ClientChatRequest {
  return chatRequestFromJson(parseRequestJson(text));
}

/** A parsed JSON body (OpenAI's chat shape, as sent or as translated by an inbound edge) as a ClientChatRequest. */
export function chatRequestFromJson(json: unknown): ClientChatRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  }
  const body = parseOrThrow(chatRequestSchema, json);
  return {
    body,
    model: body.model ?? '',
    ...(body.models ? { models: body.models } : {}),
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  };
}
