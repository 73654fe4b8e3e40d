import { bedrock } from '../../../lambdas/providers/bedrock/index.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import type { ChatRequest } from '../../../lambdas/providers/types.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { expectThrown } from '../../support/thrown.js';

const creds: UpstreamCredentials = credentials('bedrock', 'aws', '', { region: 'eu-central-1' });
const CLAUDE = 'anthropic.claude-3-7-sonnet-20250219-v1:0';

function chatRequest(body: Record<string, unknown>, model = CLAUDE): ChatRequest {
  return chatRequestFor('aws', model, { model: `aws/${model}`, ...body });
}

/** The Converse body sent for an OpenAI body. */
function sent(body: Record<string, unknown>, model?: string): any {
  return JSON.parse(bedrock.chatRequest(chatRequest(body, model), creds).body!);
}

function rejection(body: Record<string, unknown>, model?: string): ApiError {
  return expectThrown(ApiError, () => bedrock.chatRequest(chatRequest(body, model), creds));
}

const user = (content: unknown) => ({ role: 'user', content });

describe('bedrock adapter: request translation', () => {
  it('addresses Converse or ConverseStream in the key region, with the model id escaped', () => {
    expect(bedrock.chatRequest(chatRequest({ messages: [user('hi')] }), creds).url).toBe(
      'https://bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse',
    );
    expect(bedrock.chatRequest(chatRequest({ messages: [user('hi')], stream: true }), creds).url).toMatch(/\/converse-stream$/);
  });

  it('joins system and developer messages into system blocks and keeps user/assistant turns', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'No emoji.' }] },
        user('Hi'),
        { role: 'assistant', content: 'Hello' },
        user('Bye'),
      ],
    });
    expect(body.system).toEqual([{ text: 'Be brief.' }, { text: 'No emoji.' }]);
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Hi' }] },
      { role: 'assistant', content: [{ text: 'Hello' }] },
      { role: 'user', content: [{ text: 'Bye' }] },
    ]);
    expect(body.toolConfig).toBeUndefined();
    expect(body.inferenceConfig).toBeUndefined();
  });

  it('turns a base64 data URL into image bytes with its format', () => {
    const body = sent({
      messages: [
        user([
          { type: 'text', text: 'What is it?' },
          { type: 'image_url', image_url: { url: 'data:image/jpg;base64,AAEC' } },
        ]),
      ],
    });
    expect(body.messages[0].content).toEqual([{ text: 'What is it?' }, { image: { format: 'jpeg', source: { bytes: 'AAEC' } } }]);
  });

  it('400s an http image URL, naming the field (Converse takes bytes only)', () => {
    const err = rejection({ messages: [user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])] });
    expect(err.status).toBe(400);
    expect(err.options.param).toBe('messages.0.content.0.image_url.url');
    expect(err.message).toMatch(/bytes/);
  });

  it('translates tools, tool choices, assistant tool calls and tool results (parallel results in one user turn)', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather now',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const messages = [
      user('Weather in Paris and Rome?'),
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'tooluse_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'tooluse_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'tooluse_1', content: '18C' },
      { role: 'tool', tool_call_id: 'tooluse_2', content: [{ type: 'text', text: '22C' }] },
    ];
    const body = sent({ messages, tools, tool_choice: 'auto' });
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'get_weather', description: 'Weather now', inputSchema: { json: tools[0]!.function.parameters } } }],
      toolChoice: { auto: {} },
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18C' }] } },
          { toolResult: { toolUseId: 'tooluse_2', content: [{ text: '22C' }] } },
        ],
      },
    ]);
    expect(sent({ messages: [user('x')], tools, tool_choice: 'required' }).toolConfig.toolChoice).toEqual({ any: {} });
    expect(sent({ messages: [user('x')], tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig.toolChoice).toEqual({
      tool: { name: 'get_weather' },
    });
    expect(sent({ messages: [user('x')], tools, tool_choice: 'none' }).toolConfig).toBeUndefined();
    expect(sent({ messages: [user('x')], tools: [{ type: 'function', function: { name: 'now' } }] }).toolConfig.tools[0].toolSpec.inputSchema).toEqual({
      json: { type: 'object', properties: {} },
    });
  });

  it('400s tool call arguments that are not a JSON object', () => {
    const err = rejection({
      messages: [user('x'), { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }] }],
    });
    expect(err.options.param).toBe('messages.1.tool_calls.0.function.arguments');
  });

  it('maps max tokens, temperature, top_p and stop into inferenceConfig', () => {
    expect(sent({ messages: [user('x')], max_completion_tokens: 300, max_tokens: 100, temperature: 0.2, top_p: 0.9, stop: 'END' }).inferenceConfig).toEqual({
      maxTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
    });
    expect(sent({ messages: [user('x')], max_tokens: 100, stop: ['a', 'b'] }).inferenceConfig).toEqual({ maxTokens: 100, stopSequences: ['a', 'b'] });
  });

  it('sends reasoning_effort to Claude as additionalModelRequestFields.thinking, with room above the budget', () => {
    const body = sent({ messages: [user('x')], reasoning_effort: 'medium' }, `us.${CLAUDE}`);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(body.inferenceConfig.maxTokens).toBe(4096 + 8192);
    expect(sent({ messages: [user('x')], reasoning_effort: 'none' }).additionalModelRequestFields).toBeUndefined();
  });

  it('400s reasoning_effort for a model without documented thinking fields', () => {
    const err = rejection({ messages: [user('x')], reasoning_effort: 'high' }, 'amazon.nova-pro-v1:0');
    expect(err.options.param).toBe('reasoning_effort');
  });

  it('drops what Bedrock ignores and 400s what it cannot do, naming the field', () => {
    expect(
      sent({ messages: [user('x')], user: 'u1', parallel_tool_calls: true, stream_options: { include_usage: true }, logprobs: false, n: 1 }).messages,
    ).toHaveLength(1);
    expect(rejection({ messages: [user('x')], seed: 7 }).options.param).toBe('seed');
    expect(rejection({ messages: [user('x')], presence_penalty: 0.5 }).options.param).toBe('presence_penalty');
    expect(rejection({ messages: [user('x')], n: 2 }).options.param).toBe('n');
    expect(rejection({ messages: [user('x')], response_format: { type: 'json_object' } }).options.param).toBe('response_format.type');
    expect(rejection({ messages: [{ role: 'function', content: 'x' }] }).options.param).toBe('messages.0.role');
  });
});
