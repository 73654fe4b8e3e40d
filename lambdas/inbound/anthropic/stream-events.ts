import type { ChatChunk } from '../../providers/types.js';
import { encodeTypedEvent } from '../openai/sse.js';
import { anthropicUsage, stopReason } from './usage.js';
import { messageId } from './to-message.js';

/** One Anthropic stream event: its `type` is also the SSE `event:` name. */
export type AnthropicEvent = { readonly type: string } & Record<string, unknown>;

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; toolIndex: number };

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Turns OpenAI chunks into Anthropic's event sequence: message_start, then content blocks one after another
 * (start, deltas, stop), then message_delta with the stop reason and usage, then message_stop.
 */
export class AnthropicStreamTranslator {
  private started = false;
  private open: OpenBlock | undefined;
  private blockIndex = -1;
  private finishReason: string | null | undefined;
  private usage: ChatChunk['usage'];

  constructor(private readonly model: string) {}

  /** The events one chunk makes. */
  push(chunk: ChatChunk): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push(this.messageStart(chunk.id));
    }
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content) {
      this.ensureBlock(events, { kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
      events.push(this.delta({ type: 'thinking_delta', thinking: delta.reasoning_content }));
    }
    if (typeof delta.content === 'string' && delta.content) {
      this.ensureBlock(events, { kind: 'text' }, { type: 'text', text: '' });
      events.push(this.delta({ type: 'text_delta', text: delta.content }));
    }
    for (const call of (delta.tool_calls as ToolCallDelta[] | undefined) ?? []) this.toolCall(events, call);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** The closing events, once the chunks have ended. */
  end(): AnthropicEvent[] {
    const events: AnthropicEvent[] = [];
    if (!this.started) events.push(this.messageStart(undefined));
    this.closeBlock(events);
    events.push({
      type: 'message_delta',
      delta: { stop_reason: stopReason(this.finishReason), stop_sequence: null },
      usage: anthropicUsage(this.usage),
    });
    events.push({ type: 'message_stop' });
    return events;
  }

  private toolCall(events: AnthropicEvent[], call: ToolCallDelta): void {
    const toolIndex = call.index ?? 0;
    const current = this.open?.kind === 'tool' && this.open.toolIndex === toolIndex;
    // A call's first delta carries its id and name; Anthropic's blocks cannot interleave, so a new call closes the last.
    if (!current && call.id) {
      this.closeBlock(events);
      this.openBlock(events, { kind: 'tool', toolIndex }, { type: 'tool_use', id: call.id, name: call.function?.name ?? '', input: {} });
    }
    const args = call.function?.arguments;
    if (args && this.open?.kind === 'tool' && this.open.toolIndex === toolIndex) events.push(this.delta({ type: 'input_json_delta', partial_json: args }));
  }

  private messageStart(id: string | undefined): AnthropicEvent {
    return {
      type: 'message_start',
      message: {
        id: messageId(id),
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // OpenAI streams count tokens only at the end: the real figures come in message_delta.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    };
  }

  private ensureBlock(events: AnthropicEvent[], block: OpenBlock, start: Record<string, unknown>): void {
    if (this.open?.kind === block.kind) return;
    this.closeBlock(events);
    this.openBlock(events, block, start);
  }

  private openBlock(events: AnthropicEvent[], block: OpenBlock, start: Record<string, unknown>): void {
    this.blockIndex += 1;
    this.open = block;
    events.push({ type: 'content_block_start', index: this.blockIndex, content_block: start });
  }

  private closeBlock(events: AnthropicEvent[]): void {
    if (!this.open) return;
    events.push({ type: 'content_block_stop', index: this.blockIndex });
    this.open = undefined;
  }

  private delta(delta: Record<string, unknown>): AnthropicEvent {
    return { type: 'content_block_delta', index: this.blockIndex, delta };
  }
}

/** SSE framing as Anthropic sends it: an `event:` line naming the type, then the JSON. */
export const encodeAnthropicEvent: (event: AnthropicEvent) => string = encodeTypedEvent;
