import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseAnswer } from '../answer-json.js';
import { inputTexts, type EmbeddingsFormat, type EmbeddingsInput } from '../embeddings.js';
import type { UpstreamCredentials, UpstreamHttpRequest } from '../types.js';
import { googleBaseUrl, googleHeaders } from './api.js';

/** Gemini's batchEmbedContents takes at most this many requests. */
export const GEMINI_MAX_BATCH = 100;

/**
 * Gemini's embeddings: one text through `embedContent`, several through `batchEmbedContents` (one request per
 * text, in order). `dimensions` is Gemini's `outputDimensionality`. Gemini reports no token counts: usage is
 * estimated from the texts (embeddingsAnswer).
 */
export const googleEmbeddings: EmbeddingsFormat = {
  request(input: EmbeddingsInput, model: string, credentials: UpstreamCredentials): UpstreamHttpRequest {
    const texts = inputTexts(input);
    if (texts.length > GEMINI_MAX_BATCH) {
      throw new ApiError('invalid_request', `Gemini embeds at most ${GEMINI_MAX_BATCH} inputs per request.`, { param: 'input' });
    }
    const one = (text: string) => ({
      content: { parts: [{ text }] },
      ...(input.dimensions !== undefined ? { outputDimensionality: input.dimensions } : {}),
    });
    const resource = `${googleBaseUrl(credentials)}/models/${encodeURIComponent(model)}`;
    const [only] = texts;
    const body = texts.length === 1 && only !== undefined ? one(only) : { requests: texts.map((text) => ({ model: `models/${model}`, ...one(text) })) };
    return {
      url: `${resource}:${'requests' in body ? 'batchEmbedContents' : 'embedContent'}`,
      method: 'POST',
      headers: googleHeaders(credentials, 'application/json', true),
      body: JSON.stringify(body),
    };
  },
  async read(response) {
    const answer = parseAnswer(await response.text(), answerSchema, 'Gemini');
    const vectors = answer.embedding ? [answer.embedding.values] : (answer.embeddings ?? []).map((e) => e.values);
    return { vectors };
  },
};

const values = z.looseObject({ values: z.array(z.number()) });
/** embedContent's answer (`embedding`) or batchEmbedContents' (`embeddings`). */
const answerSchema = z
  .looseObject({ embedding: values.optional(), embeddings: z.array(values).optional() })
  .refine((a) => a.embedding !== undefined || a.embeddings !== undefined);
