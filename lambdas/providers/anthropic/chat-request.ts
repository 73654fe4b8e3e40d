import type { UpstreamCredentials } from '../types.js';
import { ApiError } from '../../http/errors.js';
import { parseOrThrow } from '../../http/zod-errors.js';
import type { ChatRequest, UpstreamHttpRequest } from '../types.js';
import { anthropicBaseUrl, anthropicHeaders } from './api.js';
import { toAnthropicConversation } from './messages.js';
import { anthropicChatRequestSchema, DROPPED_FIELDS, type AnthropicChatInput } from './request-schema.js';

/**
 * Anthropic requires `max_tokens`; OpenAI callers often leave it out. 4096 is the largest output every current
 * Claude model accepts, so the default never makes a request fail. With extended thinking, the thinking budget
 * is added on top, as Anthropic counts thinking inside max_tokens.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/** Thinking budgets for OpenAI's reasoning_effort (Anthropic's minimum budget is 1024 tokens). */
export const THINKING_BUDGET_BY_EFFORT = { minimal: 1024, low: 2048, medium: 8192, high: 24576 } as const;

/** An OpenAI chat request as a POST to Anthropic's Messages API; what cannot be translated is a 400 naming the field. */
export function buildChatRequest(request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest {
  const input = parseInput(request.body);
  const body: Record<string, unknown> = { model: request.model, ...toAnthropicConversation(input.messages) };
  const thinking = thinkingOf(input);
  body.max_tokens = input.max_completion_tokens ?? input.max_tokens ?? DEFAULT_MAX_TOKENS + thinkingBudget(thinking);
  if (thinking) body.thinking = thinking;
  if (input.temperature != null) body.temperature = input.temperature;
  if (input.top_p != null) body.top_p = input.top_p;
  if (input.top_k != null) body.top_k = input.top_k;
  if (input.stop != null) body.stop_sequences = typeof input.stop === 'string' ? [input.stop] : input.stop;
  if (input.tools != null && input.tools.length > 0) {
    body.tools = input.tools.map(({ function: f }) => ({
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      input_schema: f.parameters ?? { type: 'object', properties: {} },
    }));
    const toolChoice = toolChoiceOf(input);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  const userId = input.safety_identifier ?? input.user;
  if (userId != null) body.metadata = { user_id: userId };
  if (request.stream) body.stream = true;
  return {
    url: `${anthropicBaseUrl(credentials)}/messages`,
    method: 'POST',
    headers: { ...anthropicHeaders(credentials, true), accept: request.stream ? 'text/event-stream' : 'application/json' },
    body: JSON.stringify(body),
  };
}

function parseInput(body: Readonly<Record<string, unknown>>): AnthropicChatInput {
  const known = anthropicChatRequestSchema.shape;
  const unknown = Object.keys(body).find((key) => !(key in known) && !DROPPED_FIELDS.has(key));
  if (unknown !== undefined) {
    throw new ApiError('invalid_request', `Unsupported parameter for anthropic: ${unknown}.`, { param: unknown, code: 'unsupported_parameter' });
  }
  return parseOrThrow(anthropicChatRequestSchema, body);
}

function thinkingOf(input: AnthropicChatInput): Record<string, unknown> | undefined {
  if (input.thinking != null) return input.thinking;
  const effort = input.reasoning_effort;
  if (effort == null || effort === 'none') return undefined;
  return { type: 'enabled', budget_tokens: THINKING_BUDGET_BY_EFFORT[effort] };
}

function thinkingBudget(thinking: Record<string, unknown> | undefined): number {
  return thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens : 0;
}

function toolChoiceOf(input: AnthropicChatInput): Record<string, unknown> | undefined {
  const choice = input.tool_choice;
  // Anthropic's "none" takes no options; the others carry the parallel-tool switch.
  if (choice === 'none') return { type: 'none' };
  const base = choice == null || choice === 'auto' ? { type: 'auto' } : choice === 'required' ? { type: 'any' } : { type: 'tool', name: choice.function.name };
  if (input.parallel_tool_calls === false) return { ...base, disable_parallel_tool_use: true };
  return choice == null ? undefined : base;
}
