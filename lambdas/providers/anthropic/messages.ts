import { invalidParam } from '../../http/zod-errors.js';
import { appendTurn, userItems } from '../turns.js';
import type { OpenAIMessage } from './request-schema.js';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

export interface AnthropicConversation {
  system?: Block[];
  messages: Turn[];
}

/**
 * OpenAI messages as an Anthropic conversation: system and developer messages become `system`, tool results
 * become `tool_result` blocks in a user turn, and consecutive turns of one role merge (Anthropic wants tool
 * results right after the tool use, in one user turn).
 */
export function toAnthropicConversation(messages: readonly OpenAIMessage[]): AnthropicConversation {
  const system: Block[] = [];
  const turns: Turn[] = [];
  const append = (role: Turn['role'], content: Block[]) => appendTurn(turns, 'content', role, content);
  messages.forEach((message, i) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content));
        break;
      case 'user':
        append('user', userItems(message.content, i, textBlock, imageBlock));
        break;
      case 'assistant':
        append('assistant', [
          ...assistantText(message.content),
          ...(message.tool_calls ?? []).map((call, j) => toolUseBlock(call, `messages.${i}.tool_calls.${j}.function.arguments`)),
        ]);
        break;
      case 'tool':
        append('user', [
          {
            type: 'tool_result',
            tool_use_id: message.tool_call_id,
            content: typeof message.content === 'string' ? message.content : textBlocks(message.content),
          },
        ]);
        break;
    }
  });
  return system.length > 0 ? { system, messages: turns } : { messages: turns };
}

function textBlock(text: string): Block {
  return { type: 'text', text };
}

/** Non-empty text blocks: Anthropic rejects empty ones, and an empty system or assistant text says nothing. */
function textBlocks(content: string | ReadonlyArray<{ text: string }>): Block[] {
  const texts = typeof content === 'string' ? [content] : content.map((p) => p.text);
  return texts.filter((t) => t.length > 0).map(textBlock);
}

function assistantText(content: Extract<OpenAIMessage, { role: 'assistant' }>['content']): Block[] {
  if (content == null) return [];
  if (typeof content === 'string') return textBlocks(content);
  return textBlocks(content.map((p) => ({ text: p.type === 'text' ? p.text : p.refusal })));
}

function toolUseBlock(call: { id: string; function: { name: string; arguments: string } }, param: string): Block {
  let input: unknown = {};
  if (call.function.arguments.trim() !== '') {
    try {
      input = JSON.parse(call.function.arguments);
    } catch {
      throw invalidParam(param, 'must be a JSON object.');
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidParam(param, 'must be a JSON object.');
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input };
}

const DATA_URL = /^data:([^;,]+);base64,(.+)$/s;

/** An image part: a data: URL travels as base64, an http(s) URL as a URL Anthropic fetches itself. */
function imageBlock(url: string, param: string): Block {
  const data = DATA_URL.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidParam(param, 'must be a base64 data: URL or an http(s) URL.');
}
