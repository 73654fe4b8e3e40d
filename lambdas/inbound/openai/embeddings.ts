import { z } from 'zod';
import type { GatewayDeps } from '../../gateway/deps.js';
import type { ChatAnswer, ClientChatRequest } from '../../gateway/engine/route-chat.js';
import { writeText } from '../../gateway/transport/response-writer.js';
import { ApiError } from '../../http/errors.js';
import { parseRequestJson } from '../../http/request-json.js';
import { bodyText } from '../../http/request-event.js';
import { parseOrThrow } from '../../http/zod-errors.js';
import { embeddingsAdapter, type EmbeddingsInput } from '../../providers/embeddings.js';
import { apiKeyCaller } from '../api-key.js';
import { createChatExchangeHandler, type ChatEdge, type OpenSuccess } from '../chat-exchange.js';
import { namesModel, routedModelFields } from './chat-request.js';

/** OpenAI's bound on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2_048;

const tokens = z.array(z.number().int().nonnegative(), { error: 'input must be a string, an array of strings or of token arrays' }).min(1);

/** What the router reads of an embeddings request; every other field passes through to OpenAI-format upstreams. */
const embeddingsRequestSchema = z
  .looseObject({
    ...routedModelFields,
    input: z.union(
      [
        z.string().min(1, { error: 'input must not be empty' }),
        z
          .array(z.string().min(1, { error: 'input must not hold empty strings' }))
          .min(1)
          .max(MAX_EMBEDDING_INPUTS),
        tokens,
        z.array(tokens).min(1).max(MAX_EMBEDDING_INPUTS),
      ],
      { error: `input must be a string, or an array of 1 to ${MAX_EMBEDDING_INPUTS} strings or token arrays` },
    ),
    encoding_format: z.enum(['float', 'base64'], { error: 'encoding_format must be "float" or "base64"' }).optional(),
    dimensions: z.number({ error: 'dimensions must be a number' }).int({ error: 'dimensions must be a whole number' }).min(1).optional(),
  })
  .refine(...namesModel);

/** An embeddings request as the engine routes it: to embedding models, through each provider's embeddings adapter. */
export function parseEmbeddingsRequest(text: string | null | undefined): ClientChatRequest {
  const json = parseRequestJson(text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  const body = parseOrThrow(embeddingsRequestSchema, json);
  const { input } = body;
  const embeddings: EmbeddingsInput = {
    input: typeof input === 'string' ? [input] : isTokenArray(input) ? [input] : input,
    encodingFormat: body.encoding_format ?? 'float',
    ...(body.dimensions !== undefined ? { dimensions: body.dimensions } : {}),
  };
  return {
    body,
    model: body.model ?? '',
    ...(body.models ? { models: body.models } : {}),
    stream: false,
    includeUsage: false,
    modelKind: 'embedding',
    adapterFor: (provider) => embeddingsAdapter(provider, embeddings),
  };
}

function isTokenArray(input: readonly unknown[]): input is number[] {
  return typeof input[0] === 'number';
}

/** `POST /v1/embeddings`: OpenAI's wire format, answered in OpenAI's list shape whatever the provider. */
export const embeddingsEdge: ChatEdge = {
  name: 'embeddings request',
  operation: 'embeddings',
  authenticate: (deps, event) => apiKeyCaller(deps.authenticator, event.headers),
  parse: (event) => parseEmbeddingsRequest(bodyText(event)),
  deliver,
  errorBody: (error) => JSON.stringify(error.toBody()),
};

export function createEmbeddingsHandler(getDeps: () => GatewayDeps) {
  return createChatExchangeHandler(getDeps, embeddingsEdge);
}

async function deliver(answer: ChatAnswer, _request: ClientChatRequest, open: OpenSuccess): Promise<ApiError | undefined> {
  // Embeddings are never streamed (the request says stream: false), so the answer is always whole.
  if (answer.kind === 'json') await writeText(open('application/json'), answer.response.json);
  return undefined;
}
