import { parseAnswer } from '../answer-json.js';
import type { ChatResponse, UpstreamResponse } from '../types.js';
import { completionId, openaiFinishReason, openaiUsage, splitParts } from './candidate.js';
import { generateContentResponseSchema, type GenerateContentResponse } from './wire.js';

/** A GenerateContentResponse (JSON text) as the parsed object, or an UpstreamError naming no content. */
export function parseGenerateContentResponse(text: string): GenerateContentResponse {
  return parseAnswer(text, generateContentResponseSchema);
}

/** Gemini generateContent → OpenAI chat.completion; one choice per candidate. */
export async function readChatResponse(response: UpstreamResponse): Promise<ChatResponse> {
  const gemini = parseGenerateContentResponse(await response.text());
  const candidates = gemini.candidates ?? [];
  const choices =
    candidates.length > 0
      ? candidates.map((candidate, i) => {
          const { text, thoughts, calls } = splitParts(candidate.content?.parts ?? []);
          const message: Record<string, unknown> = {
            role: 'assistant',
            content: text.length > 0 || calls.length === 0 ? text : null,
            refusal: null,
            annotations: [],
          };
          if (thoughts.length > 0) message.reasoning_content = thoughts;
          if (calls.length > 0) message.tool_calls = calls;
          return {
            index: candidate.index ?? i,
            message,
            logprobs: null,
            finish_reason: openaiFinishReason(candidate.finishReason ?? 'STOP', calls.length > 0),
          };
        })
      : // A prompt blocked by Gemini's filters gets no candidate at all.
        [{ index: 0, message: { role: 'assistant', content: null, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'content_filter' as const }];
  const usage = gemini.usageMetadata ? openaiUsage(gemini.usageMetadata) : undefined;
  const completion = {
    id: completionId(gemini.responseId),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: gemini.modelVersion ?? 'gemini',
    choices,
    ...(usage ? { usage } : {}),
  };
  return { json: JSON.stringify(completion), usage, finishReason: choices[0]?.finish_reason };
}
