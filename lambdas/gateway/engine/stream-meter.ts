import { isFinishReason, type FinishReason } from '../../store/activity-record.js';
import { CompletionTokenCounter, estimateUsage, generatedText } from '../../catalog/index.js';
import type { ChatChunk, Usage } from '../../providers/types.js';

/** What a response tells about itself, for the activity record; never any content. */
export interface Metering {
  ttftMs?: number;
  finishReason?: FinishReason;
  usage?: Usage;
}

/** Usage for a non-streamed answer: the upstream's, or an estimate from the request and the answer when it sent none. */
export function answerUsage(usage: Usage | undefined, requestBody: Readonly<Record<string, unknown>>, answerJson: string): Usage {
  if (usage) return usage;
  const message = (JSON.parse(answerJson) as { choices?: Array<{ message?: unknown }> }).choices?.[0]?.message;
  return estimateUsage(requestBody, generatedText(message));
}

/** Watches chunks go by: time to the first token, the finish reason and the usage chunk. */
export class StreamMeter {
  readonly metering: Metering = {};
  /** The generated text's tokens, counted as it goes by in case the upstream reports no usage (the text is never stored, P1). */
  #generated = new CompletionTokenCounter();

  constructor(
    private readonly startedAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  observe(chunk: ChatChunk): void {
    const m = this.metering;
    const choice = chunk.choices?.[0];
    if (m.ttftMs === undefined && hasToken(chunk)) m.ttftMs = Math.max(0, this.now() - this.startedAt);
    if (choice?.finish_reason && isFinishReason(choice.finish_reason)) m.finishReason = choice.finish_reason;
    if (chunk.usage) m.usage = chunk.usage;
    else if (choice) this.#generated.add(generatedText(choice.delta));
  }

  /** At the end of the stream: estimates usage if the upstream sent none. */
  finish(requestBody: Readonly<Record<string, unknown>>): void {
    this.metering.usage ??= estimateUsage(requestBody, this.#generated.tokens);
  }
}

/** Whether a chunk carries generated output: text, reasoning, a refusal or a tool call (not just a role or finish). */
export function hasToken(chunk: ChatChunk): boolean {
  const delta = chunk.choices?.[0]?.delta;
  if (!delta) return false;
  const text = (value: unknown) => typeof value === 'string' && value.length > 0;
  return text(delta.content) || text(delta.reasoning_content) || delta.tool_calls !== undefined || typeof delta.refusal === 'string';
}

/** Token counts of a usage object as the activity record's fields. */
export function usageFields(usage: Usage | undefined): {
  promptTokens?: number;
  completionTokens?: number;
  totalTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
} {
  if (!usage) return {};
  return {
    promptTokens: nonNegativeInt(usage.prompt_tokens),
    completionTokens: nonNegativeInt(usage.completion_tokens),
    totalTokens: nonNegativeInt(usage.total_tokens),
    cachedTokens: nonNegativeInt(usage.prompt_tokens_details?.cached_tokens),
    reasoningTokens: nonNegativeInt((usage.completion_tokens_details as { reasoning_tokens?: unknown } | undefined)?.reasoning_tokens),
  };
}

function nonNegativeInt(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
