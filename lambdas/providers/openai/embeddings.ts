import { z } from 'zod';
import { parseAnswer } from '../answer-json.js';
import { embeddingsUsage, type EmbeddingsInput } from '../embeddings.js';
import type { ChatRequest, ChatResponse, UpstreamCredentials, UpstreamHttpRequest, UpstreamResponse } from '../types.js';
import { embeddingsUrl, openaiHeaders } from './api.js';
import type { OpenAiPreset } from './presets.js';

/** OpenAI's embeddings, passed through: the client's body with the target's model; the answer goes back as it came. */
export function openAiEmbeddingsRequest(preset: OpenAiPreset, request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest {
  return {
    url: embeddingsUrl(credentials, preset, request.model),
    method: 'POST',
    headers: openaiHeaders(credentials, true, preset),
    body: JSON.stringify({ ...request.body, model: request.model }),
  };
}

/** What the gateway reads of the answer: its usage (estimated from the input where a compatible server sends none). */
const answerSchema = z.looseObject({
  data: z.array(z.unknown()),
  usage: z.looseObject({ prompt_tokens: z.number().int().nonnegative() }).nullish(),
});

export async function readOpenAiEmbeddings(response: UpstreamResponse, input: EmbeddingsInput): Promise<ChatResponse> {
  const json = await response.text();
  const answer = parseAnswer(json, answerSchema);
  return { json, usage: embeddingsUsage(input, answer.usage?.prompt_tokens) };
}
