import type { Usage } from '../../providers/types.js';

/** Anthropic's stop reasons for OpenAI's finish reasons; anything newer ended the turn. */
const STOP_REASON_BY_FINISH_REASON: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function stopReason(finishReason: string | null | undefined): string {
  return (finishReason && STOP_REASON_BY_FINISH_REASON[finishReason]) || 'end_turn';
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
}

/** OpenAI's prompt_tokens include cache reads; Anthropic counts them apart from input_tokens. */
export function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const prompt = count(usage?.prompt_tokens);
  const cached = Math.min(prompt, count(usage?.prompt_tokens_details?.cached_tokens));
  return { input_tokens: prompt - cached, output_tokens: count(usage?.completion_tokens), cache_read_input_tokens: cached };
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
