import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { ApiError } from '../../http/errors.js';
import { parseAnswer } from '../answer-json.js';
import { inputTexts, type EmbeddingsFormat, type EmbeddingsInput } from '../embeddings.js';
import type { UpstreamCredentials, UpstreamHttpRequest, UpstreamResponse } from '../types.js';
import { asUpstreamError, ndjsonResponse, oneLine, runtimeClient } from './send.js';

/**
 * Bedrock's embedding models through InvokeModel (SigV4 by the SDK, like Converse): Amazon Titan takes one text
 * per call, so a list becomes one call per text, a few at a time; Cohere takes up to COHERE_MAX_TEXTS in one call.
 * The request is described as `…/model/{id}/invoke` with the bodies of its calls; send() makes them and hands the
 * answers on as one JSON line `{ answers: [...] }` that read() alone parses.
 */
export const COHERE_MAX_TEXTS = 96;
/** Titan calls in flight at once for one request, and the most texts one request may hold. */
const TITAN_AT_ONCE = 8;
export const TITAN_MAX_TEXTS = 128;

type Family = 'titan' | 'cohere';

/** Judged by id (cross-region profiles such as `us.cohere.embed-…` included): the request is all the adapter knows of the model. */
function familyOf(model: string): Family {
  if (/(^|\.)amazon\.titan-embed-/.test(model)) return 'titan';
  if (/(^|\.)cohere\.embed-/.test(model)) return 'cohere';
  throw new ApiError('invalid_request', 'Bedrock embeddings are served for Amazon Titan and Cohere embedding models.', {
    param: 'model',
    code: 'unsupported_operation',
  });
}

export const bedrockEmbeddings: EmbeddingsFormat = {
  request(input: EmbeddingsInput, model: string, credentials: UpstreamCredentials): UpstreamHttpRequest {
    const texts = inputTexts(input);
    const family = familyOf(model);
    const max = family === 'titan' ? TITAN_MAX_TEXTS : COHERE_MAX_TEXTS;
    if (texts.length > max) throw new ApiError('invalid_request', `${model} embeds at most ${max} inputs per request.`, { param: 'input' });
    const calls =
      family === 'titan'
        ? texts.map((inputText) => ({ inputText, ...(input.dimensions !== undefined ? { dimensions: input.dimensions, normalize: true } : {}) }))
        : [{ texts, input_type: 'search_document' }];
    const region = credentials.region ?? process.env.AWS_REGION ?? 'us-east-1';
    return {
      url: `https://bedrock-runtime.${region}.amazonaws.com/model/${encodeURIComponent(model)}/invoke`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls }),
    };
  },

  async send(request: UpstreamHttpRequest, signal: AbortSignal): Promise<UpstreamResponse> {
    const { hostname, pathname } = new URL(request.url);
    const region = /^bedrock-runtime\.([a-z0-9-]+)\.amazonaws\.com$/.exec(hostname)?.[1] ?? '';
    const modelId = decodeURIComponent(/^\/model\/([^/]+)\/invoke$/.exec(pathname)?.[1] ?? '');
    const { calls } = JSON.parse(request.body ?? '{}') as { calls: unknown[] };
    const client = runtimeClient(region);
    const invoke = async (call: unknown) => {
      const output = await client.send(
        new InvokeModelCommand({ modelId, contentType: 'application/json', accept: 'application/json', body: JSON.stringify(call) }),
        { abortSignal: signal },
      );
      return JSON.parse(Buffer.from(output.body).toString('utf8')) as unknown;
    };
    try {
      const answers: unknown[] = new Array(calls.length);
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < calls.length; i = next++) answers[i] = await invoke(calls[i]);
      };
      await Promise.all(Array.from({ length: Math.min(TITAN_AT_ONCE, calls.length) }, worker));
      return ndjsonResponse(oneLine({ answers }));
    } catch (err) {
      throw asUpstreamError(err);
    }
  },

  async read(response) {
    const { answers } = parseAnswer(await response.text(), answersSchema, 'Bedrock');
    const vectors: number[][] = [];
    let tokens: number | undefined = 0;
    for (const answer of answers) {
      if (answer.embedding) {
        vectors.push(answer.embedding);
        tokens = tokens === undefined || answer.inputTextTokenCount === undefined ? undefined : tokens + answer.inputTextTokenCount;
      } else if (answer.embeddings) {
        vectors.push(...(Array.isArray(answer.embeddings) ? answer.embeddings : answer.embeddings.float));
        tokens = undefined; // Cohere reports no token counts in its body.
      }
    }
    return { vectors, promptTokens: tokens };
  },
};

const vector = z.array(z.number());
/** Titan's answer (`embedding`, `inputTextTokenCount`) or Cohere's (`embeddings`, a list or by type). */
const answer = z
  .looseObject({
    embedding: vector.optional(),
    inputTextTokenCount: z.number().int().nonnegative().optional(),
    embeddings: z.union([z.array(vector), z.looseObject({ float: z.array(vector) })]).optional(),
  })
  .refine((a) => a.embedding !== undefined || a.embeddings !== undefined);
const answersSchema = z.looseObject({ answers: z.array(answer) });
