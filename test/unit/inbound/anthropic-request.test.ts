import { ApiError } from '../../../lambdas/http/errors.js';
import { messagesToChatRequest } from '../../../lambdas/inbound/anthropic/to-chat-request.js';

/** A tool-use conversation in the shapes of Anthropic's Messages API documentation. */
const TOOL_CONVERSATION = {
  model: 'claude/claude-sonnet-4-5',
  max_tokens: 1024,
  system: [
    { type: 'text', text: 'You are terse.' },
    { type: 'text', text: 'Use tools.', cache_control: { type: 'ephemeral' } },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Get the weather',
      input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
    },
  ],
  tool_choice: { type: 'any', disable_parallel_tool_use: true },
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should call the tool.', signature: 'sig' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: '18°C' }] },
        { type: 'text', text: 'And tomorrow?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    },
  ],
  stop_sequences: ['END'],
  temperature: 0.2,
  top_p: 0.9,
  top_k: 40,
  metadata: { user_id: 'user-123' },
  thinking: { type: 'enabled', budget_tokens: 8000 },
  stream: true,
};

describe('Anthropic Messages request → engine ChatRequest', () => {
  it('translates system blocks, tool use and tool results, images, sampling, tools and tool_choice', () => {
    const request = messagesToChatRequest(TOOL_CONVERSATION);
    expect(request).toMatchObject({ model: 'claude/claude-sonnet-4-5', stream: true, includeUsage: true });
    expect(request.body).toEqual({
      model: 'claude/claude-sonnet-4-5',
      max_tokens: 1024,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop: ['END'],
      safety_identifier: 'user-123',
      reasoning_effort: 'medium',
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Get the weather', parameters: TOOL_CONVERSATION.tools[0]!.input_schema } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      messages: [
        { role: 'system', content: 'You are terse.\n\nUse tools.' },
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_01', content: '18°C' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
  });

  it.each([
    [{ type: 'auto' }, { tool_choice: 'auto' }],
    [{ type: 'none' }, { tool_choice: 'none' }],
    [{ type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
  ])('maps tool_choice %j', (choice, expected) => {
    const body = messagesToChatRequest({ ...TOOL_CONVERSATION, tool_choice: choice }).body;
    expect(body).toMatchObject(expected);
    expect(body).not.toHaveProperty('parallel_tool_calls');
  });

  it('marks failed tool results, takes image URLs, a string system, and leaves usage out of non-streamed requests', () => {
    const { body, stream, includeUsage } = messagesToChatRequest({
      model: 'fake/gpt-4o',
      max_tokens: 10,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'no such city', is_error: true }] },
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
      ],
      thinking: { type: 'disabled' },
    });
    expect(stream).toBe(false);
    expect(includeUsage).toBe(false);
    expect(body).toEqual({
      model: 'fake/gpt-4o',
      max_tokens: 10,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'tool', tool_call_id: 't1', content: 'Error: no such city' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
      ],
    });
  });

  it.each([
    [{ max_tokens: undefined }, 'max_tokens'],
    [{ model: '' }, 'model'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
    [{ messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'messages.0.content'],
    [{ tools: [{ type: 'web_search_20250305', name: 'web_search', input_schema: { type: 'object' } }] }, 'tools.0.type'],
    [{ thinking: { type: 'enabled', budget_tokens: 10 } }, 'thinking.budget_tokens'],
    [{ temperature: 1.5 }, 'temperature'],
  ])('refuses %j with a 400 naming %s', (patch, param) => {
    const base = { model: 'fake/gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const attempt = () => messagesToChatRequest({ ...base, ...patch });
    expect(attempt).toThrow(ApiError);
    try {
      attempt();
    } catch (err) {
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).options.param).toBe(param);
    }
  });

  it('refuses top-level fields it cannot honour by name, and non-object bodies', () => {
    expect(() => messagesToChatRequest({ model: 'fake/x', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }], mcp_servers: [] })).toThrow(
      /mcp_servers/,
    );
    expect(() => messagesToChatRequest([1, 2])).toThrow(/JSON object/);
  });
});
