import type { ServerResponse } from 'node:http';
import { lastUserMessageText, sendJson, splitText, startEventStream } from './fake-server.js';

/**
 * OpenAI's Responses API as the fake OpenAI upstream serves it (`POST /v1/responses`): a text answer (the last user
 * input's text in `echo`), or a function call in `tool-call` (and in `tool-loop` until the input ends with the
 * call's output); a Response object, or its documented event stream.
 */
export const FAKE_RESPONSES_TOOL_ARGUMENTS = '{"location":"Paris, France","unit":"celsius"}';

export function answerResponses(res: ServerResponse, mode: string, body: Record<string, unknown>, content: string, id: string): void {
  const toolResult = mode === 'tool-loop' ? lastFunctionOutput(body.input) : undefined;
  const text = toolResult !== undefined ? `The weather: ${toolResult}` : mode === 'echo' ? inputText(body.input) : content;
  const toolCall = mode === 'tool-call' || (mode === 'tool-loop' && toolResult === undefined);
  const item = toolCall
    ? { type: 'function_call', id: `fc_${id}`, call_id: 'call_fake_1', name: 'get_weather', arguments: FAKE_RESPONSES_TOOL_ARGUMENTS, status: 'completed' }
    : { type: 'message', id: `msg_${id}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
  const response = (status: string, output: unknown[]) => ({
    id: `resp_${id}`,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model: String(body.model),
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store !== false,
    temperature: 1,
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    metadata: {},
    ...(status === 'completed'
      ? {
          usage: {
            input_tokens: 13,
            input_tokens_details: { cached_tokens: 2, cache_write_tokens: 0 },
            output_tokens: 8,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 21,
          },
        }
      : {}),
  });
  if (body.stream !== true) {
    sendJson(res, 200, response('completed', [item]));
    return;
  }
  startEventStream(res);
  let sequence = 0;
  const send = (event: Record<string, unknown>) => {
    if (!res.destroyed) res.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`);
  };
  send({ type: 'response.created', response: response('in_progress', []) });
  send({ type: 'response.in_progress', response: response('in_progress', []) });
  if (toolCall) {
    send({ type: 'response.output_item.added', output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
    for (const delta of splitText(FAKE_RESPONSES_TOOL_ARGUMENTS, 4)) {
      send({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: 0, delta });
    }
    send({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: 0, name: 'get_weather', arguments: FAKE_RESPONSES_TOOL_ARGUMENTS });
  } else {
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    send({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    send({ type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    for (const delta of splitText(text, 4)) send({ type: 'response.output_text.delta', ...at, delta, logprobs: [] });
    send({ type: 'response.output_text.done', ...at, text, logprobs: [] });
    send({ type: 'response.content_part.done', ...at, part: { type: 'output_text', text, annotations: [], logprobs: [] } });
  }
  send({ type: 'response.output_item.done', output_index: 0, item });
  send({ type: 'response.completed', response: response('completed', [item]) });
  res.end();
}

/** The text of the last user input, as a string or a user message's input_text parts. */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  return lastUserMessageText(Array.isArray(input) ? input.map((m: { role?: unknown; content?: unknown }) => ({ role: m.role, content: m.content })) : []);
}

/** The output of the last input item when it is a function call's. */
function lastFunctionOutput(input: unknown): string | undefined {
  const last = Array.isArray(input) ? (input.at(-1) as { type?: unknown; output?: unknown } | undefined) : undefined;
  if (last?.type !== 'function_call_output') return undefined;
  return typeof last.output === 'string' ? last.output : JSON.stringify(last.output);
}
