import type { ApiError } from '../../../http/errors.js';
import type { ChatChunk, Usage } from '../../../providers/types.js';
import type { IdKind } from './state.js';

/**
 * The engine's answer (OpenAI chat chunks, whatever the provider) as a Responses API answer: output items, the
 * streamed event sequence a Responses client expects, and the final Response object. Items follow one another
 * (reasoning, a message, function calls), each opened with `output_item.added` and closed with `.done`.
 */

export type ResponseEvent = { readonly type: string; sequence_number?: number } & Record<string, unknown>;
/** An output item as the Response object shows it. */
export type OutputItem = { readonly type: string; id?: string } & Record<string, unknown>;

/** The ids of one answer: the response's, and each output item's in the order the items are opened. */
export interface AnswerIds {
  readonly responseId: string;
  itemId(kind: Exclude<IdKind, 'response'>, index: number): string;
}

/** Everything in a Response object besides its id, output, status and usage: what the request asked for. */
export type ResponseEcho = Readonly<Record<string, unknown>>;

type OpenItem =
  | { kind: 'reasoning'; index: number; text: string }
  | { kind: 'message'; index: number; text: string; refusal: string }
  | { kind: 'function_call'; index: number; toolIndex: number; callId: string; name: string; arguments: string };

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

export class ResponseOutput {
  private readonly items: OutputItem[] = [];
  private open: OpenItem | undefined;
  private sequence = 0;
  private finishReason: string | null | undefined;
  private usage: Usage | undefined;

  constructor(
    private readonly ids: AnswerIds,
    private readonly echo: ResponseEcho,
    private readonly createdAt: number,
  ) {}

  /** `response.created` and `response.in_progress`, the stream's first events. */
  start(): ResponseEvent[] {
    const response = this.response('in_progress');
    return [this.event({ type: 'response.created', response }), this.event({ type: 'response.in_progress', response })];
  }

  /** The events one chunk makes. */
  push(chunk: ChatChunk): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content) this.reasoning(events, delta.reasoning_content);
    if (typeof delta.content === 'string' && delta.content) this.text(events, delta.content, 'output_text');
    if (typeof delta.refusal === 'string' && delta.refusal) this.text(events, delta.refusal, 'refusal');
    for (const call of (delta.tool_calls as ToolCallDelta[] | undefined) ?? []) this.toolCall(events, call);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return events;
  }

  /** The closing events once the chunks have ended: the last item's, then `response.completed` (or `.incomplete`). */
  finish(): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    this.close(events);
    const response = this.response(this.status());
    events.push(this.event({ type: response.status === 'completed' ? 'response.completed' : 'response.incomplete', response }));
    return events;
  }

  /** A failure after the stream began, as Responses clients read one. */
  fail(error: ApiError): ResponseEvent {
    const { code, message, param } = error.toBody().error;
    return this.event({ type: 'error', code, message, param });
  }

  /** The output items so far (all of them, once `finish` has run). */
  output(): readonly OutputItem[] {
    return this.items;
  }

  /** The Response object in its final state (after `finish`). */
  final(): Record<string, unknown> {
    return this.response(this.status());
  }

  private status(): 'completed' | 'incomplete' {
    return this.finishReason === 'length' || this.finishReason === 'content_filter' ? 'incomplete' : 'completed';
  }

  private response(status: string): Record<string, unknown> & { status: string } {
    const reason = this.finishReason === 'content_filter' ? 'content_filter' : 'max_output_tokens';
    return {
      ...this.echo,
      id: this.ids.responseId,
      object: 'response',
      created_at: this.createdAt,
      status,
      error: null,
      incomplete_details: status === 'incomplete' ? { reason } : null,
      output: status === 'in_progress' ? [] : this.items,
      ...(status !== 'in_progress' && this.usage ? { usage: responsesUsage(this.usage) } : {}),
    };
  }

  private reasoning(events: ResponseEvent[], text: string): void {
    let open = this.open;
    if (open?.kind !== 'reasoning') {
      open = this.openItem(
        events,
        (index) => ({ kind: 'reasoning', index, text: '' }),
        (id) => ({ type: 'reasoning', id, summary: [] }),
      );
      events.push(this.event({ ...this.at(open), type: 'response.reasoning_summary_part.added', summary_index: 0, part: { type: 'summary_text', text: '' } }));
    }
    open.text += text;
    events.push(this.event({ ...this.at(open), type: 'response.reasoning_summary_text.delta', summary_index: 0, delta: text }));
  }

  private text(events: ResponseEvent[], text: string, part: 'output_text' | 'refusal'): void {
    let open = this.open;
    if (open?.kind !== 'message') {
      open = this.openItem(
        events,
        (index) => ({ kind: 'message', index, text: '', refusal: '' }),
        (id) => ({ type: 'message', id, status: 'in_progress', role: 'assistant', content: [] }),
      );
    }
    // A message holds at most one part of each kind: output_text at content_index 0, a refusal after it.
    const contentIndex = part === 'output_text' ? 0 : open.text ? 1 : 0;
    if (part === 'output_text' ? !open.text : !open.refusal) {
      events.push(this.event({ ...this.at(open), type: 'response.content_part.added', content_index: contentIndex, part: emptyPart(part) }));
    }
    if (part === 'output_text') open.text += text;
    else open.refusal += text;
    const type = part === 'output_text' ? 'response.output_text.delta' : 'response.refusal.delta';
    events.push(this.event({ ...this.at(open), type, content_index: contentIndex, delta: text, ...(part === 'output_text' ? { logprobs: [] } : {}) }));
  }

  private toolCall(events: ResponseEvent[], call: ToolCallDelta): void {
    const toolIndex = call.index ?? 0;
    let open = this.open;
    // A call's first delta carries its id and name (some servers repeat the id); a new id opens the next call.
    const continuing = open?.kind === 'function_call' && open.toolIndex === toolIndex && (!call.id || call.id === open.callId);
    if (call.id && !continuing) {
      const callId = call.id;
      const name = call.function?.name ?? '';
      open = this.openItem(
        events,
        (index) => ({ kind: 'function_call', index, toolIndex, callId, name, arguments: '' }),
        (id) => ({ type: 'function_call', id, call_id: callId, name, arguments: '', status: 'in_progress' }),
      );
    }
    const args = call.function?.arguments;
    if (!args || open?.kind !== 'function_call' || open.toolIndex !== toolIndex) return;
    open.arguments += args;
    events.push(this.event({ ...this.at(open), type: 'response.function_call_arguments.delta', delta: args }));
  }

  /** Closes the open item, then opens the next at the following output index. */
  private openItem<T extends OpenItem>(events: ResponseEvent[], make: (index: number) => T, added: (id: string) => OutputItem): T {
    this.close(events);
    const item = make(this.items.length);
    this.open = item;
    events.push(this.event({ type: 'response.output_item.added', output_index: item.index, item: added(this.ids.itemId(item.kind, item.index)) }));
    return item;
  }

  private close(events: ResponseEvent[]): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const at = this.at(open);
    let item: OutputItem;
    if (open.kind === 'reasoning') {
      const part = { type: 'summary_text', text: open.text };
      events.push(this.event({ ...at, type: 'response.reasoning_summary_text.done', summary_index: 0, text: open.text }));
      events.push(this.event({ ...at, type: 'response.reasoning_summary_part.done', summary_index: 0, part }));
      item = { type: 'reasoning', id: at.item_id, summary: [part] };
    } else if (open.kind === 'message') {
      const content: Record<string, unknown>[] = [];
      if (open.text) {
        events.push(this.event({ ...at, type: 'response.output_text.done', content_index: 0, text: open.text, logprobs: [] }));
        content.push({ type: 'output_text', text: open.text, annotations: [], logprobs: [] });
      }
      if (open.refusal) {
        events.push(this.event({ ...at, type: 'response.refusal.done', content_index: content.length, refusal: open.refusal }));
        content.push({ type: 'refusal', refusal: open.refusal });
      }
      content.forEach((part, i) => void events.push(this.event({ ...at, type: 'response.content_part.done', content_index: i, part })));
      item = { type: 'message', id: at.item_id, status: 'completed', role: 'assistant', content };
    } else {
      const { callId, name, arguments: args } = open;
      events.push(this.event({ ...at, type: 'response.function_call_arguments.done', name, arguments: args }));
      item = { type: 'function_call', id: at.item_id, call_id: callId, name, arguments: args, status: 'completed' };
    }
    this.items.push(item);
    events.push(this.event({ type: 'response.output_item.done', output_index: open.index, item }));
  }

  private at(open: OpenItem): { item_id: string; output_index: number } {
    return { item_id: this.ids.itemId(open.kind, open.index), output_index: open.index };
  }

  private event(event: ResponseEvent): ResponseEvent {
    event.sequence_number = this.sequence++;
    return event;
  }
}

function emptyPart(part: 'output_text' | 'refusal'): Record<string, unknown> {
  return part === 'output_text' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'refusal', refusal: '' };
}

/** Chat usage as the Responses API reports it (prompt tokens include cached ones in both). */
export function responsesUsage(usage: Usage): Record<string, unknown> {
  const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  const details = usage.completion_tokens_details as { reasoning_tokens?: unknown } | undefined;
  const input = count(usage.prompt_tokens);
  const output = count(usage.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: count(usage.prompt_tokens_details?.cached_tokens), cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: count(details?.reasoning_tokens) },
    total_tokens: input + output,
  };
}
