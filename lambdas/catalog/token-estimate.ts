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
 * omits it. Text is counted in memory and dropped; nothing of it is kept (P1). The completion is its text, or its
 * tokens counted already (a stream counts them as they go: CompletionTokenCounter).
 */
export function estimateUsage(body: Readonly<Record<string, unknown>>, completion: string | number): EstimatedUsage {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let prompt = TOKENS_BEFORE_REPLY;
  for (const message of messages) prompt += TOKENS_PER_MESSAGE + messageTokens(message);
  // Tool definitions are sent to the model as text too.
  if (Array.isArray(body.tools) && body.tools.length > 0) prompt += estimateTokenCount(JSON.stringify(body.tools));
  const completionTokens = typeof completion === 'number' ? completion : estimateTokenCount(completion);
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens, estimated: true };
}

/** Usage of a request that only reads text (embeddings): its inputs' tokens, estimated; nothing is generated. */
export function estimateInputUsage(texts: readonly string[]): EstimatedUsage {
  let prompt = 0;
  for (const text of texts) prompt += estimateTokenCount(text);
  return { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt, estimated: true };
}

/** How much text a CompletionTokenCounter gathers before it counts. */
const COUNT_BATCH_CHARS = 4096;
const WHITESPACE = /\s/;

/**
 * Counts a completion's tokens as its text arrives, keeping only a few kilobytes of it, so a long stream costs the
 * gateway no memory in proportion to its length. tokenx splits text at whitespace, so counting up to a whitespace
 * run that a word follows gives what counting the whole text would; text without whitespace is counted in pieces.
 */
export class CompletionTokenCounter {
  #counted = 0;
  #pending = '';

  add(text: string): void {
    this.#pending += text;
    if (this.#pending.length < COUNT_BATCH_CHARS) return;
    const end = countableEnd(this.#pending);
    this.#counted += estimateTokenCount(this.#pending.slice(0, end));
    this.#pending = this.#pending.slice(end);
  }

  /** The tokens of all the text added so far. */
  get tokens(): number {
    return this.#counted + estimateTokenCount(this.#pending);
  }
}

/** Where `text` can be cut without changing its count: before its last word and any whitespace after it; else its end. */
function countableEnd(text: string): number {
  let i = text.length;
  while (i > 0 && WHITESPACE.test(text.charAt(i - 1))) i--;
  while (i > 0 && !WHITESPACE.test(text.charAt(i - 1))) i--;
  return i > 0 ? i : text.length;
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
