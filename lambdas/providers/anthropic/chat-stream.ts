import { readSseEvents } from '../sse-reader.js';
import { UpstreamError, type ChatChunk } from '../types.js';
import { finishReason, openaiUsage } from './usage.js';
import type { AnthropicUsage } from './wire.js';

/** The fields of Anthropic stream events this translation reads; anything else in an event is ignored. */
interface StreamEvent {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: AnthropicUsage };
  content_block?: { type?: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { message?: string };
}

/**
 * Anthropic's Messages stream as OpenAI chunks: the role first, then text, reasoning and tool-call deltas as
 * they come, a finish chunk, and a usage chunk (`choices: []`) with the totals. Tool calls are indexed by their
 * order among tool_use blocks, as OpenAI clients assemble arguments by that index.
 */
export async function* readChatStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  let id = 'msg_unknown';
  let model = 'unknown';
  const created = Math.floor(Date.now() / 1000);
  let usage: AnthropicUsage = {};
  const toolIndexByBlock = new Map<number, number>();
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });

  for await (const sse of readSseEvents(body)) {
    let event: StreamEvent;
    try {
      event = JSON.parse(sse.data) as StreamEvent;
    } catch {
      throw new UpstreamError({ kind: 'stream', message: 'The upstream sent an invalid stream event.' });
    }
    switch (event.type) {
      case 'message_start':
        id = event.message?.id ?? id;
        model = event.message?.model ?? model;
        usage = mergeUsage(usage, event.message?.usage);
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block?.type === 'tool_use' && typeof event.index === 'number') {
          const toolIndex = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, toolIndex);
          yield chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        } else if (block?.type === 'text' && block.text) {
          yield chunk({ content: block.text });
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta?.type === 'text_delta' && delta.text) yield chunk({ content: delta.text });
        else if (delta?.type === 'thinking_delta' && delta.thinking) yield chunk({ reasoning_content: delta.thinking });
        else if (delta?.type === 'input_json_delta' && delta.partial_json) {
          const toolIndex = toolIndexByBlock.get(event.index ?? -1);
          if (toolIndex !== undefined) yield chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] });
        }
        break;
      }
      case 'message_delta':
        usage = mergeUsage(usage, event.usage);
        yield chunk({}, finishReason(event.delta?.stop_reason));
        break;
      case 'message_stop':
        yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openaiUsage(usage) };
        return;
      case 'error':
        throw new UpstreamError({ kind: 'stream', message: event.error?.message ?? undefined });
      default:
        // ping, content_block_stop, signature deltas and event types newer than this adapter carry nothing to forward.
        break;
    }
  }
  throw new UpstreamError({ kind: 'stream', message: 'The upstream stream ended before the message finished.' });
}

/** Anthropic repeats usage counters in later events with cumulative values; the latest present value wins. */
function mergeUsage(current: AnthropicUsage, next: AnthropicUsage | undefined): AnthropicUsage {
  if (!next) return current;
  const merged: AnthropicUsage = { ...current };
  for (const [key, value] of Object.entries(next)) if (typeof value === 'number') (merged as Record<string, unknown>)[key] = value;
  return merged;
}
