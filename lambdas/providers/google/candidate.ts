import { randomBytes } from 'node:crypto';
import type { Usage } from '../types.js';
import type { GeminiPart, GeminiUsage } from './wire.js';

/** Gemini finish reasons that mean the answer was withheld or cut by a filter. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'IMAGE_SAFETY']);

/** Gemini's finishReason as OpenAI's; `STOP` after function calls is OpenAI's `tool_calls`. */
export function openaiFinishReason(reason: string, calledTools: boolean): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Gemini's usageMetadata as OpenAI's usage: thinking tokens are completion tokens, as OpenAI counts reasoning. */
export function openaiUsage(meta: GeminiUsage): Usage {
  const prompt = meta.promptTokenCount ?? 0;
  const thoughts = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
}

/** Gemini gives function calls no id; OpenAI clients need one to answer them, unique across a conversation. */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('base64url')}`;
}

/** A Gemini functionCall part as an OpenAI tool call; its thought signature rides along as Google's own compatibility API carries it. */
export function openaiToolCall(part: GeminiPart & { functionCall: NonNullable<GeminiPart['functionCall']> }): OpenAIToolCall {
  const call: OpenAIToolCall = {
    id: newToolCallId(),
    type: 'function',
    function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
  };
  if (part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } };
  return call;
}

/** A candidate's parts sorted into answer text, thought text and function calls. */
export function splitParts(parts: GeminiPart[]): { text: string; thoughts: string; calls: OpenAIToolCall[] } {
  let text = '';
  let thoughts = '';
  const calls: OpenAIToolCall[] = [];
  for (const part of parts) {
    if (part.functionCall) calls.push(openaiToolCall({ ...part, functionCall: part.functionCall }));
    else if (typeof part.text === 'string') {
      if (part.thought === true) thoughts += part.text;
      else text += part.text;
    }
  }
  return { text, thoughts, calls };
}

/** OpenAI-style id for a completion: Gemini's responseId when it sent one. */
export function completionId(responseId: string | undefined): string {
  return `chatcmpl-${responseId ?? randomBytes(12).toString('base64url')}`;
}
