import { randomBytes } from 'node:crypto';
import type { Usage } from '../types.js';
import type { ConverseUsage } from './wire.js';

/** Converse's stop reasons as OpenAI finish reasons. */
const FINISH_REASON_BY_STOP_REASON: Readonly<Record<string, 'stop' | 'length' | 'tool_calls' | 'content_filter'>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export function openaiFinishReason(stopReason: string | undefined): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  return (stopReason !== undefined ? FINISH_REASON_BY_STOP_REASON[stopReason] : undefined) ?? 'stop';
}

/**
 * Converse counts cached prompt tokens apart from `inputTokens` (as Anthropic does); OpenAI's `prompt_tokens`
 * includes them, with the cache reads repeated in `prompt_tokens_details.cached_tokens`.
 */
export function openaiUsage(usage: ConverseUsage): Usage {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const prompt = (usage.inputTokens ?? 0) + cacheRead + (usage.cacheWriteInputTokens ?? 0);
  const completion = usage.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokens ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

/** Converse answers carry no id; OpenAI clients expect one. */
export function completionId(): string {
  return `chatcmpl-${randomBytes(12).toString('base64url')}`;
}
