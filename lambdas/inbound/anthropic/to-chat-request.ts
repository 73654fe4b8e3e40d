import type { ClientChatRequest } from '../../gateway/engine/route-chat.js';
import { ApiError } from '../../http/errors.js';
import { parseOrThrow } from '../../http/zod-errors.js';
import { chatRequestFromJson } from '../openai/chat-request.js';
import { messagesRequestSchema, type AnthropicContentBlock, type AnthropicInputMessage, type MessagesRequest } from './request-schema.js';

type OpenAiMessage = Record<string, unknown>;
type ImageBlock = Extract<AnthropicContentBlock, { type: 'image' }>;

/**
 * Thinking budgets as OpenAI's reasoning_effort, the one knob every provider adapter reads: the nearest of
 * the anthropic adapter's budgets (low 2048, medium 8192, high 24576). Adaptive thinking leaves it to the model.
 */
function reasoningEffort(thinking: MessagesRequest['thinking']): string | undefined {
  if (!thinking || thinking.type === 'disabled') return undefined;
  if (thinking.type === 'adaptive') return 'medium';
  if (thinking.budget_tokens < 4096) return 'low';
  return thinking.budget_tokens < 16384 ? 'medium' : 'high';
}

/** A Messages API body (parsed JSON) as the engine's OpenAI-shaped ChatRequest; a 400 naming the field otherwise. */
export function messagesToChatRequest(json: unknown): ClientChatRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ApiError('invalid_request', 'The request body must be a JSON object.');
  }
  const input = parseOrThrow(messagesRequestSchema, json);
  const body: Record<string, unknown> = { model: input.model, messages: openAiMessages(input), max_tokens: input.max_tokens };
  if (input.stream) {
    body.stream = true;
    // The Anthropic stream reports usage in message_delta, so it is always asked for.
    body.stream_options = { include_usage: true };
  }
  if (input.temperature !== undefined) body.temperature = input.temperature;
  if (input.top_p !== undefined) body.top_p = input.top_p;
  if (input.top_k !== undefined) body.top_k = input.top_k;
  if (input.stop_sequences?.length) body.stop = input.stop_sequences;
  if (input.metadata?.user_id) body.safety_identifier = input.metadata.user_id;
  const effort = reasoningEffort(input.thinking);
  if (effort) body.reasoning_effort = effort;
  if (input.tools?.length) {
    body.tools = input.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.input_schema },
    }));
  }
  if (input.tool_choice) Object.assign(body, toolChoice(input.tool_choice));
  return chatRequestFromJson(body);
}

function toolChoice(choice: NonNullable<MessagesRequest['tool_choice']>): Record<string, unknown> {
  const parallel = 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

function openAiMessages(input: MessagesRequest): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  const system = typeof input.system === 'string' ? input.system : input.system?.map((b) => b.text).join('\n\n');
  if (system) out.push({ role: 'system', content: system });
  for (const message of input.messages) out.push(...(message.role === 'user' ? userMessages(message) : [assistantMessage(message)]));
  return out;
}

/** A user turn: its tool results become `tool` messages (which must follow the assistant's calls), then the rest. */
function userMessages(message: AnthropicInputMessage): OpenAiMessage[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }];
  const out: OpenAiMessage[] = [];
  const parts: Record<string, unknown>[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolResultText(block) });
    else if (block.type === 'text') parts.push({ type: 'text', text: block.text });
    else if (block.type === 'image') parts.push(imagePart(block));
  }
  if (parts.length > 0) out.push({ role: 'user', content: parts });
  return out;
}

function toolResultText(block: Extract<AnthropicContentBlock, { type: 'tool_result' }>): string {
  const content = block.content ?? '';
  const text = typeof content === 'string' ? content : content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
  // OpenAI tool messages have no error flag: say it in the text, as the model must know the call failed.
  return block.is_error ? `Error: ${text}` : text;
}

function imagePart(block: ImageBlock): Record<string, unknown> {
  const url = block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return { type: 'image_url', image_url: { url } };
}

function assistantMessage(message: AnthropicInputMessage): OpenAiMessage {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  const text: string[] = [];
  const toolCalls: Record<string, unknown>[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'tool_use')
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
  }
  return { role: 'assistant', content: text.length > 0 ? text.join('') : null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}
