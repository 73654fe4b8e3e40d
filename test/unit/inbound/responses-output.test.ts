import { randomBytes } from 'node:crypto';
import { ApiError } from '../../../lambdas/http/errors.js';
import { completionAsChunk, hollowIds, retrievedResponse, sealedRendering } from '../../../lambdas/inbound/openai/responses/answer.js';
import { ResponseOutput } from '../../../lambdas/inbound/openai/responses/output.js';
import type { SealedResponse } from '../../../lambdas/inbound/openai/responses/request.js';
import { ResponseState } from '../../../lambdas/inbound/openai/responses/state.js';
import type { ChatChunk } from '../../../lambdas/providers/types.js';
import { expectValid } from '../../support/openai-schema.js';

const keys = { forAccount: async () => KEY };
const KEY = randomBytes(32);
const echo = {
  model: 'claude/claude-sonnet-4-5',
  instructions: null,
  tools: [],
  tool_choice: 'auto',
  temperature: null,
  top_p: null,
  parallel_tool_calls: true,
  metadata: {},
};
const chunk = (delta: Record<string, unknown>, finish: string | null = null, usage?: ChatChunk['usage']): ChatChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

/** A translated answer as the engine streams it: reasoning, text, two tool calls split anywhere, then usage. */
const CHUNKS: ChatChunk[] = [
  chunk({ role: 'assistant', reasoning_content: 'The user wants ' }),
  chunk({ reasoning_content: 'the weather.' }),
  chunk({ content: 'Let me ' }),
  chunk({ content: 'check.' }),
  chunk({ tool_calls: [{ index: 0, id: 'toolu_1', function: { name: 'get_weather', arguments: '' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
  chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
  chunk({ tool_calls: [{ index: 1, id: 'toolu_2', function: { name: 'get_time', arguments: '{}' } }] }),
  chunk({}, 'tool_calls'),
  { ...chunk({}), choices: [], usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29, prompt_tokens_details: { cached_tokens: 4 } } },
];

describe('the Responses rendering of a translated answer', () => {
  it('streams a valid, numbered event sequence whose final Response holds every item', async () => {
    const state = await ResponseState.forAccount(keys, 'acc_a');
    const output = new ResponseOutput(hollowIds(state), echo, 1_700_000_000);
    const events = [...output.start(), ...CHUNKS.flatMap((c) => output.push(c)), ...output.finish()];
    for (const event of events) expectValid('responseEvent', event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.filter((e) => e.type === 'response.output_item.added').map((e) => (e.item as { type: string }).type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ]);
    const final = output.final();
    expectValid('response', final);
    expect(final.output).toMatchObject([
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants the weather.' }] },
      { type: 'message', content: [{ type: 'output_text', text: 'Let me check.' }] },
      { type: 'function_call', call_id: 'toolu_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
      { type: 'function_call', call_id: 'toolu_2', name: 'get_time', arguments: '{}' },
    ]);
    expect(final.usage).toEqual({
      input_tokens: 20,
      input_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 29,
    });
    expect(new Set((final.output as Array<{ id: string }>).map((item) => item.id)).size).toBe(4);
    // Each item's events name the id it was added with.
    for (const e of events) if (typeof e.item_id === 'string') expect(final.output).toContainEqual(expect.objectContaining({ id: e.item_id }));
  });

  it('seals a whole answer: each id opens to its item, the response id to the conversation, GET gives it back', async () => {
    const state = await ResponseState.forAccount(keys, 'acc_a');
    const input = [{ type: 'message', role: 'user', content: 'Weather in Paris?' }];
    const { output, events } = sealedRendering({ state, input, echo, store: true }, CHUNKS, 1_700_000_000);
    const final = output.final() as { id: string; output: Array<{ id: string; type: string }> };
    expect((events[0]?.response as { id: string } | undefined)?.id).toBe(final.id);
    for (const item of final.output) {
      const { id, ...content } = item;
      expect(state.open([item.type === 'message' ? 'message' : (item.type as 'reasoning' | 'function_call')], id, 'id')).toEqual(content);
    }
    const sealed = state.require(['response'], final.id, 'previous_response_id') as SealedResponse;
    expect(sealed.input).toEqual(input);
    expect(sealed.output).toHaveLength(4);
    const retrieved = retrievedResponse(state, final.id, sealed);
    expectValid('response', retrieved);
    expect(retrieved).toMatchObject({ id: final.id, status: 'completed', model: echo.model });
    // Another account's key opens none of it.
    const other = await ResponseState.forAccount({ forAccount: async () => randomBytes(32) }, 'acc_b');
    expect(other.open(['response'], final.id, 'previous_response_id')).toBeUndefined();
  });

  it('renders a whole completion like its stream, and a length stop as incomplete', async () => {
    const state = await ResponseState.forAccount(keys, 'acc_a');
    const json = JSON.stringify({
      id: 'x',
      choices: [{ finish_reason: 'length', message: { role: 'assistant', content: 'Partial ans' } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    const final = sealedRendering({ state, input: [], echo, store: true }, [completionAsChunk(json)], 1).output.final();
    expectValid('response', final);
    expect(final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('reports a failure mid-stream as an error event numbered after the last', async () => {
    const output = new ResponseOutput(hollowIds(await ResponseState.forAccount(keys, 'acc_a')), echo, 1);
    const events = [...output.start(), ...output.push(chunk({ content: 'Hi' }))];
    const failure = output.fail(new ApiError('upstream_error', 'The provider stream failed.', { code: 'upstream_error' }));
    expectValid('responseEvent', failure);
    expect(failure).toMatchObject({ type: 'error', message: 'The provider stream failed.', sequence_number: events.length });
  });
});
