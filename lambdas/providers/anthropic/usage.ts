import type { Usage } from '../types.js';
import type { AnthropicUsage } from './wire.js';

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI's `prompt_tokens` includes them,
 * with the cache reads repeated in `prompt_tokens_details.cached_tokens`.
 */
export function openaiUsage(usage: AnthropicUsage): Usage {
  const cacheRead = count(usage.cache_read_input_tokens);
  const promptTokens = count(usage.input_tokens) + cacheRead + count(usage.cache_creation_input_tokens);
  const completionTokens = count(usage.output_tokens);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}

function count(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Anthropic's stop reasons as OpenAI finish reasons. */
export const FINISH_REASON_BY_STOP_REASON: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReason(stopReason: string | null | undefined): string {
  // A stop reason newer than this adapter still ended the turn.
  return (stopReason && FINISH_REASON_BY_STOP_REASON[stopReason]) || 'stop';
}
