import { estimateTokenCount } from 'tokenx';
import type { Usage } from '../providers/types.js';

/** A Usage the gateway counted itself because the upstream reported none. */
export type EstimatedUsage = Usage & { estimated: true };

/**
 * Tokens a chat format adds around each message and before the reply (OpenAI's published counting recipe);
 * other providers' templates differ by a few tokens, which an estimate can bear.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_BEFORE_REPLY = 3;
/** An image is priced by its size, which the gateway does not decode; OpenAI's low-detail cost stands in. */
const TOKENS_PER_IMAGE = 85;

/**
 * Usage estimated with a heuristic tokenizer (tokenx: pure JS, small, no data to download) when an upstream
 * omits it. Text is counted in memory and dropped; nothing of it is kept (P1).
 */
export function estimateUsage(body: Readonly<Record<string, unknown>>, completionText: string): EstimatedUsage {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let prompt = TOKENS_BEFORE_REPLY;
  for (const message of messages) prompt += TOKENS_PER_MESSAGE + messageTokens(message);
  // Tool definitions are sent to the model as text too.
  if (Array.isArray(body.tools) && body.tools.length > 0) prompt += estimateTokenCount(JSON.stringify(body.tools));
  const completion = estimateTokenCount(completionText);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, estimated: true };
}

/**
 * The generated text of a non-streamed `message` or a streamed `delta`: content, reasoning, refusal and tool
 * calls (names and arguments), which the model is billed for. For the gateway to gather when usage is missing.
 */
export function generatedText(messageOrDelta: unknown): string {
  if (!isObject(messageOrDelta)) return '';
  let text = '';
  for (const field of ['content', 'reasoning_content', 'refusal'] as const) {
    const value = messageOrDelta[field];
    if (typeof value === 'string') text += value;
  }
  if (Array.isArray(messageOrDelta.tool_calls)) {
    for (const call of messageOrDelta.tool_calls) {
      const fn = isObject(call) ? call.function : undefined;
      if (!isObject(fn)) continue;
      if (typeof fn.name === 'string') text += fn.name;
      if (typeof fn.arguments === 'string') text += fn.arguments;
    }
  }
  return text;
}

function messageTokens(message: unknown): number {
  if (!isObject(message)) return 0;
  let tokens = 0;
  const content = message.content;
  if (typeof content === 'string') tokens += estimateTokenCount(content);
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (!isObject(part)) continue;
      if (part.type === 'image_url') tokens += TOKENS_PER_IMAGE;
      else if (typeof part.text === 'string') tokens += estimateTokenCount(part.text);
    }
  }
  // An assistant turn's tool calls are part of the prompt the model reads.
  tokens += estimateTokenCount(generatedText({ tool_calls: message.tool_calls }));
  if (typeof message.name === 'string') tokens += estimateTokenCount(message.name);
  return tokens;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
