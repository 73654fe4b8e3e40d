import { anthropic } from '../../../lambdas/providers/anthropic/index.js';
import { DEFAULT_MAX_TOKENS, THINKING_BUDGET_BY_EFFORT } from '../../../lambdas/providers/anthropic/chat-request.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import type { ChatRequest } from '../../../lambdas/providers/types.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { expectThrown } from '../../support/thrown.js';

const creds = (baseUrl?: string): UpstreamCredentials => credentials('anthropic', 'claude', 'sk-ant-test-secret', { baseUrl });

function request(fields: Record<string, unknown>, stream = false): ChatRequest {
  const body = { model: 'claude/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], ...fields };
  return chatRequestFor('claude', 'claude-sonnet-4-5', body, { stream });
}

/** The Anthropic body the adapter sends for these OpenAI fields. */
function sent(fields: Record<string, unknown>, stream = false): Record<string, any> {
  return JSON.parse(anthropic.chatRequest(request(fields, stream), creds()).body!);
}

/** The ApiError the adapter throws for these fields (fails the test when it does not throw). */
function rejection(fields: Record<string, unknown>): ApiError {
  return expectThrown(ApiError, () => anthropic.chatRequest(request(fields), creds()));
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather by city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('anthropic adapter: request line and headers', () => {
  it('POSTs to <base>/messages with x-api-key, the pinned anthropic-version and a JSON content type', () => {
    const req = anthropic.chatRequest(request({}), creds());
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.method).toBe('POST');
    expect(req.headers).toMatchObject({ 'x-api-key': 'sk-ant-test-secret', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(req.headers).not.toHaveProperty('authorization');
  });

  it('uses the provider key base URL (trailing slash tolerated) and asks a stream for SSE', () => {
    const req = anthropic.chatRequest(request({}, true), creds('http://127.0.0.1:9/v1/'));
    expect(req.url).toBe('http://127.0.0.1:9/v1/messages');
    expect(req.headers.accept).toBe('text/event-stream');
    expect(JSON.parse(req.body!).stream).toBe(true);
  });

  it('sends the model after the provider-key name and the default max_tokens when none is given', () => {
    const body = sent({});
    expect(body).toEqual({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], max_tokens: DEFAULT_MAX_TOKENS });
    expect(DEFAULT_MAX_TOKENS).toBe(4096);
  });
});

describe('anthropic adapter: messages', () => {
  it('moves system and developer messages, wherever they are, into system', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('keeps a multi-turn history in order, merging consecutive turns of one role', () => {
    const body = sent({
      messages: [
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        { role: 'user', content: 'Three' },
        { role: 'user', content: [{ type: 'text', text: 'Four' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'One' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Two' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Three' },
          { type: 'text', text: 'Four' },
        ],
      },
    ]);
  });

  it('turns image_url parts into base64 sources (data: URLs) and url sources (http/https)', () => {
    const body = sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('refuses an image URL that is neither a data: URL nor http(s), naming the field', () => {
    const err = rejection({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] });
    expect(err.status).toBe(400);
    expect(err.options.param).toBe('messages.0.content.0.image_url.url');
  });

  it('refuses content parts Anthropic has no equivalent for (audio), naming the message', () => {
    const err = rejection({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] });
    expect(err.status).toBe(400);
    expect(err.options.param).toMatch(/^messages\.0\.content/);
  });

  it('turns assistant tool_calls into tool_use blocks and tool messages into one user turn of tool_result blocks', () => {
    const body = sent({
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }] },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24°C' }] },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('keeps assistant text before its tool_use blocks', () => {
    const body = sent({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'sunny' },
      ],
    });
    expect(body.messages[1].content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 't1', name: 'get_weather', input: {} },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object, naming the field', () => {
    const err = rejection({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{not json' } }] },
      ],
    });
    expect(err.options.param).toBe('messages.1.tool_calls.0.function.arguments');
    expect(err.message).not.toContain('{not json');
  });
});

describe('anthropic adapter: parameters', () => {
  it('translates tools to name/description/input_schema', () => {
    const body = sent({ tools: [weatherTool, { type: 'function', function: { name: 'ping' } }] });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather by city', input_schema: weatherTool.function.parameters },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(body).not.toHaveProperty('tool_choice');
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { type: 'tool', name: 'get_weather' },
    ],
  ])('maps tool_choice %j to %j', (choice, expected) => {
    expect(sent({ tools: [weatherTool], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('maps parallel_tool_calls false to disable_parallel_tool_use, with or without a tool_choice', () => {
    expect(sent({ tools: [weatherTool], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(sent({ tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(sent({ tools: [weatherTool], parallel_tool_calls: true })).not.toHaveProperty('tool_choice');
  });

  it('takes max_completion_tokens over max_tokens', () => {
    expect(sent({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(sent({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  it('passes temperature, top_p and top_k, and turns stop (string or array) into stop_sequences', () => {
    const body = sent({ temperature: 0.2, top_p: 0.9, top_k: 40, stop: 'END' });
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ['END'] });
    expect(sent({ stop: ['A', 'B'] }).stop_sequences).toEqual(['A', 'B']);
    expect(sent({ stop: null })).not.toHaveProperty('stop_sequences');
  });

  it("refuses a temperature above Anthropic's maximum of 1, naming it", () => {
    expect(rejection({ temperature: 1.5 }).options.param).toBe('temperature');
  });

  it('turns reasoning_effort into a thinking budget, raising the default max_tokens by it', () => {
    const body = sent({ reasoning_effort: 'medium' });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: THINKING_BUDGET_BY_EFFORT.medium });
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS + THINKING_BUDGET_BY_EFFORT.medium);
    expect(sent({ reasoning_effort: 'high', max_tokens: 30_000 }).max_tokens).toBe(30_000);
    expect(sent({ reasoning_effort: 'none' })).not.toHaveProperty('thinking');
  });

  it('passes a thinking object through as given, over reasoning_effort', () => {
    const thinking = { type: 'enabled', budget_tokens: 2000 };
    const body = sent({ thinking, reasoning_effort: 'high' });
    expect(body.thinking).toEqual(thinking);
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS + 2000);
  });

  it('maps user (or safety_identifier, which wins) to metadata.user_id and drops seed, store, OpenAI metadata and prompt_cache_key', () => {
    const body = sent({ user: 'user-42', seed: 7, store: false, metadata: { team: 'a' }, prompt_cache_key: 'k' });
    expect(body.metadata).toEqual({ user_id: 'user-42' });
    for (const field of ['seed', 'store', 'prompt_cache_key']) expect(body).not.toHaveProperty(field);
    expect(sent({ user: 'old', safety_identifier: 'hashed-7' }).metadata).toEqual({ user_id: 'hashed-7' });
  });

  it('accepts the neutral values of options Anthropic lacks (n 1, logprobs false, penalties 0, response_format text)', () => {
    const body = sent({ n: 1, logprobs: false, frequency_penalty: 0, presence_penalty: 0, response_format: { type: 'text' } });
    for (const field of ['n', 'logprobs', 'frequency_penalty', 'presence_penalty', 'response_format']) expect(body).not.toHaveProperty(field);
  });

  it.each([
    ['response_format', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['frequency_penalty', { frequency_penalty: 0.5 }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['audio', { audio: { voice: 'alloy', format: 'mp3' } }],
    ['some_future_field', { some_future_field: true }],
  ])('answers 400 invalid_request naming %s when Anthropic cannot honour it', (param, fields) => {
    const err = rejection(fields);
    expect(err.status).toBe(400);
    expect(err.kind).toBe('invalid_request');
    expect(err.options.param).toBe(param);
  });

  it('refuses a tool type other than function', () => {
    expect(rejection({ tools: [{ type: 'custom', custom: { name: 'x' } }] }).options.param).toMatch(/^tools\.0/);
  });
});

describe('anthropic adapter: models request', () => {
  it('GETs <base>/models with x-api-key and the version header, in one large page', () => {
    const req = anthropic.modelsRequest(creds('http://h/v1'));
    expect(req).toMatchObject({
      url: 'http://h/v1/models?limit=1000',
      method: 'GET',
      headers: { 'x-api-key': 'sk-ant-test-secret', 'anthropic-version': '2023-06-01' },
    });
    expect(req.body).toBeUndefined();
  });
});
