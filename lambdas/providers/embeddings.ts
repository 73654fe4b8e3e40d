import { catalogEntry, estimateInputUsage } from '../catalog/index.js';
import { ApiError } from '../http/errors.js';
import { openAiPreset } from './openai/presets.js';
import type { ProviderId } from '../provider-ids.js';
import type { ChatResponse, ProviderAdapter, UpstreamCredentials, UpstreamHttpRequest, UpstreamResponse, Usage } from './types.js';
import { openAiEmbeddingsRequest, readOpenAiEmbeddings } from './openai/embeddings.js';
import { googleEmbeddings } from './google/embeddings.js';
import { bedrockEmbeddings } from './bedrock/embeddings.js';
import { providerAdapter } from './registry.js';

/**
 * `POST /v1/embeddings` to every wire format: OpenAI-format upstreams take the client's body as it is; Gemini and
 * Bedrock get it translated, and their vectors come back in OpenAI's list shape. Each is a ProviderAdapter, so the
 * engine routes embeddings like chat (configs, fallbacks, retries, health) and meters the answer's usage.
 */

/** What a translating adapter reads of an embeddings request (inbound/openai/embeddings.ts parses it). */
export interface EmbeddingsInput {
  /** Texts to embed, or token arrays (which only OpenAI-format upstreams read). */
  readonly input: readonly string[] | readonly (readonly number[])[];
  readonly encodingFormat: 'float' | 'base64';
  readonly dimensions?: number;
}

/** How one wire format builds an embeddings call and reads its vectors back. */
export interface EmbeddingsFormat {
  request(input: EmbeddingsInput, model: string, credentials: UpstreamCredentials): UpstreamHttpRequest;
  /** The vectors in input order, and the usage when the provider reports it. */
  read(response: UpstreamResponse): Promise<{ vectors: number[][]; promptTokens?: number }>;
  send?: ProviderAdapter['send'];
}

/** The adapter that embeds `input` through `provider`: a 400 at request time where the provider has no embeddings API. */
export function embeddingsAdapter(provider: ProviderId, input: EmbeddingsInput): ProviderAdapter {
  const chat = providerAdapter(provider);
  const preset = openAiPreset(provider);
  const base = { id: provider, readFailure: chat.readFailure, modelsRequest: chat.modelsRequest, readModels: chat.readModels, readChatStream: noStream };
  if (preset) {
    return {
      ...base,
      chatRequest(chat, credentials) {
        checkDimensions(provider, chat.model, input.dimensions);
        return openAiEmbeddingsRequest(preset, chat, credentials);
      },
      readChatResponse: (response) => readOpenAiEmbeddings(response, input),
    };
  }
  const format = TRANSLATED[provider];
  if (!format) {
    return {
      ...base,
      chatRequest: () => {
        throw new ApiError('invalid_request', `The ${provider} provider has no embeddings API.`, { param: 'model', code: 'unsupported_operation' });
      },
      readChatResponse: () => Promise.reject(new Error('unreachable')),
    };
  }
  let model = '';
  return {
    ...base,
    ...(format.send ? { send: format.send } : {}),
    chatRequest(chat, credentials) {
      checkTextInput(input, provider);
      checkDimensions(provider, chat.model, input.dimensions);
      model = chat.model;
      return format.request(input, chat.model, credentials);
    },
    async readChatResponse(response) {
      const { vectors, promptTokens } = await format.read(response);
      return embeddingsAnswer(vectors, model, input, promptTokens);
    },
  };
}

const TRANSLATED: Partial<Record<ProviderId, EmbeddingsFormat>> = { google: googleEmbeddings, bedrock: bedrockEmbeddings };

/** Embeddings are never streamed; the engine asks only for whole answers. */
async function* noStream(): AsyncGenerator<never> {
  yield* [];
  throw new Error('embeddings are not streamed');
}

/** The texts of a translated request: token arrays cannot be turned back into text, so they are refused. */
export function inputTexts(input: EmbeddingsInput): string[] {
  return input.input.filter((item): item is string => typeof item === 'string');
}

function checkTextInput(input: EmbeddingsInput, provider: ProviderId): void {
  if (input.input.some((item) => typeof item !== 'string')) {
    throw new ApiError('invalid_request', `Token arrays as input reach OpenAI-format providers only; send text to embed with ${provider}.`, { param: 'input' });
  }
}

/**
 * A 400 naming `dimensions` when the catalog knows the model and it cannot return vectors of that length. An
 * unknown model is the provider's call, as it would be without RouKey.
 */
export function checkDimensions(provider: ProviderId, model: string, dimensions: number | undefined): void {
  if (dimensions === undefined) return;
  const spec = catalogEntry(provider, model)?.embedding;
  if (!spec || dimensions === spec.dimensions) return;
  const { reducibleTo } = spec;
  if (reducibleTo === 'any' && dimensions <= spec.dimensions) return;
  if (Array.isArray(reducibleTo) && reducibleTo.includes(dimensions)) return;
  const allowed =
    reducibleTo === undefined ? `only ${spec.dimensions}` : reducibleTo === 'any' ? `at most ${spec.dimensions}` : `one of ${reducibleTo.join(', ')}`;
  throw new ApiError('invalid_request', `dimensions ${dimensions} is not available for ${model}: it returns ${allowed}.`, {
    param: 'dimensions',
    code: 'unsupported_dimensions',
  });
}

/** Vectors in OpenAI's embeddings list shape, as floats or base64 (little-endian float32, as OpenAI encodes them). */
export function embeddingsAnswer(vectors: readonly number[][], model: string, input: EmbeddingsInput, promptTokens?: number): ChatResponse {
  const usage = embeddingsUsage(input, promptTokens);
  const data = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: input.encodingFormat === 'base64' ? base64Floats(vector) : vector }));
  const json = JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.total_tokens } });
  return { json, usage };
}

/** The provider's count of input tokens, or an estimate from the texts when it reports none. */
export function embeddingsUsage(input: EmbeddingsInput, promptTokens: number | undefined): Usage {
  if (promptTokens === undefined) return estimateInputUsage(inputTexts(input));
  return { prompt_tokens: promptTokens, completion_tokens: 0, total_tokens: promptTokens };
}

function base64Floats(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
