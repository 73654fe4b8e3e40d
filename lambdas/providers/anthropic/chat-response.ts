import { parseAnswer } from '../answer-json.js';
import type { ChatResponse, UpstreamResponse } from '../types.js';
import { finishReason, openaiUsage } from './usage.js';
import { anthropicMessageSchema, type AnthropicMessage } from './wire.js';

/** A non-streamed Anthropic message as an OpenAI chat.completion. */
export async function readChatResponse(response: UpstreamResponse): Promise<ChatResponse> {
  const message = parseAnswer(await response.text(), anthropicMessageSchema);
  const completion = toCompletion(message, Math.floor(Date.now() / 1000));
  return { json: JSON.stringify(completion), usage: completion.usage, finishReason: finishReason(message.stop_reason) };
}

export function toCompletion(message: AnthropicMessage, created: number) {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') thoughts.push(block.thinking);
    else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const usage = openaiUsage(message.usage);
  return {
    id: message.id,
    object: 'chat.completion' as const,
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: texts.length > 0 ? texts.join('') : null,
          refusal: null,
          ...(thoughts.length > 0 ? { reasoning_content: thoughts.join('') } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(message.stop_reason),
      },
    ],
    usage,
  };
}
