import { ApiError } from '../../../http/errors.js';
import type { ChatChunk } from '../../../providers/types.js';
import { wholeAnswerSchema } from '../../whole-answer.js';
import { ResponseOutput, type AnswerIds, type OutputItem, type ResponseEvent } from './output.js';
import type { ResponsesChatRequest, SealedResponse } from './request.js';
import { ID_PREFIX, type IdKind, type ResponseState } from './state.js';

/**
 * A translated answer as the Responses client gets it, with ids that carry their content. Ids of a streamed
 * answer are announced before their content exists, so they can carry it only when the answer is rendered once
 * it is whole (`sealedRendering`); a stream the caller sent with `store: false` is rendered live, with hollow ids.
 */
export interface Rendering {
  readonly output: ResponseOutput;
  readonly events: readonly ResponseEvent[];
}

type Context = ResponsesChatRequest['responses'];

/** The whole answer, rendered twice: once to learn its items, then with ids sealed over them. */
export function sealedRendering(context: Context, chunks: readonly ChatChunk[], createdAt: number): Rendering {
  const draft = render(context, chunks, createdAt, DRAFT_IDS);
  return render(context, chunks, createdAt, sealedIds(context, draft.output));
}

/** Ids for a live stream: sealed, but over nothing (they were issued before their items existed). */
export function hollowIds(state: ResponseState): AnswerIds {
  const items = new Map<number, string>();
  const responseId = state.seal('response');
  return {
    responseId,
    itemId: (kind, index) => {
      let id = items.get(index);
      if (id === undefined) items.set(index, (id = state.seal(kind)));
      return id;
    },
  };
}

const DRAFT_IDS: AnswerIds = { responseId: 'resp_draft', itemId: (kind) => `${ID_PREFIX[kind]}_draft` };

function render(context: Context, chunks: readonly ChatChunk[], createdAt: number, ids: AnswerIds): Rendering {
  const output = new ResponseOutput(ids, context.echo, createdAt);
  const events = [...output.start(), ...chunks.flatMap((chunk) => output.push(chunk)), ...output.finish()];
  return { output, events };
}

/** Each item's id carries the item; the response's carries the conversation, this answer included. */
function sealedIds({ state, input }: Context, draft: ResponseOutput): AnswerIds {
  const items = draft.output().map(withoutId);
  const itemIds = items.map((item) => state.seal(itemKind(item.type), item));
  const { id: _id, output: _output, ...response } = draft.final();
  const sealed: SealedResponse = { response, output: items, input };
  return { responseId: state.seal('response', sealed), itemId: (_kind, index) => itemIds[index] ?? '' };
}

function withoutId({ id: _id, ...item }: OutputItem): OutputItem {
  return item;
}

export function itemKind(type: string): Exclude<IdKind, 'response'> {
  return type === 'function_call' || type === 'reasoning' ? type : 'message';
}

/** A Response object from a sealed response id, its output items given ids again (equivalent ones). */
export function retrievedResponse(state: ResponseState, id: string, sealed: SealedResponse): Record<string, unknown> {
  const output = sealed.output.map((item) => ({ id: state.seal(itemKind(String(item.type)), item), ...item }));
  return { ...sealed.response, id, output };
}

/** A whole chat completion (JSON text) as the one chunk that carries all of it, for the same rendering as a stream. */
export function completionAsChunk(json: string): ChatChunk {
  const parsed = wholeAnswerSchema.safeParse(JSON.parse(json));
  const choice = parsed.success ? parsed.data.choices[0] : undefined;
  if (!parsed.success || !choice) throw new ApiError('upstream_error', 'The provider answered with an unexpected response.', { code: 'upstream_error' });
  const { message } = choice;
  const delta: Record<string, unknown> = {};
  if (message.reasoning_content) delta.reasoning_content = message.reasoning_content;
  if (message.content) delta.content = message.content;
  if (message.refusal) delta.refusal = message.refusal;
  if (message.tool_calls?.length) {
    delta.tool_calls = message.tool_calls.map((call, index) => ({
      index,
      id: call.id,
      function: { name: call.function.name, arguments: call.function.arguments ?? '' },
    }));
  }
  return {
    id: parsed.data.id ?? '',
    object: 'chat.completion.chunk',
    created: parsed.data.created ?? 0,
    model: parsed.data.model ?? '',
    choices: [{ index: 0, delta, finish_reason: choice.finish_reason ?? null }],
    ...(parsed.data.usage ? { usage: parsed.data.usage as ChatChunk['usage'] } : {}),
  };
}
