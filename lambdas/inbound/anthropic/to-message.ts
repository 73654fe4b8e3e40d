import { ApiError } from '../../http/errors.js';
import type { Usage } from '../../providers/types.js';
import { wholeAnswerSchema } from '../whole-answer.js';
import { anthropicUsage, stopReason } from './usage.js';

/** An OpenAI chat completion (JSON text) as an Anthropic Message; `model` is the name the caller used. */
export function completionToMessage(json: string, model: string): Record<string, unknown> {
  const parsed = wholeAnswerSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new ApiError('upstream_error', 'The provider answered with an unexpected response.', { code: 'upstream_error' });
  const completion = parsed.data;
  const [choice] = completion.choices;
  if (!choice) throw new ApiError('upstream_error', 'The provider answered without a choice.', { code: 'upstream_error' });
  const content: Record<string, unknown>[] = [];
  // Thinking comes first, as Anthropic sends it; an OpenAI-shaped answer carries no signature.
  if (choice.message.reasoning_content) content.push({ type: 'thinking', thinking: choice.message.reasoning_content, signature: '' });
  if (choice.message.content) content.push({ type: 'text', text: choice.message.content });
  for (const call of choice.message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(completion.usage as Usage | null | undefined),
  };
}

/** Anthropic's ids start `msg_`; the upstream's id is kept inside it so logs on both sides can be matched. */
export function messageId(upstreamId: string | undefined): string {
  return upstreamId?.startsWith('msg_') ? upstreamId : `msg_${upstreamId ?? crypto.randomUUID().replaceAll('-', '')}`;
}

/** Tool arguments as an object: Anthropic's `input` is always one, even when a model sent broken JSON. */
export function toolInput(args: string | null | undefined): Record<string, unknown> {
  if (!args) return {};
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
