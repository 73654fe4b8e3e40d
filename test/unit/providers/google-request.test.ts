import { google } from '../../../lambdas/providers/google/index.js';
import { SKIP_THOUGHT_SIGNATURE } from '../../../lambdas/providers/google/chat-request.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import type { ChatRequest } from '../../../lambdas/providers/types.js';
import type { UpstreamCredentials } from '../../../lambdas/providers/types.js';
import { chatRequestFor, credentials } from '../../support/adapter-request.js';
import { expectThrown } from '../../support/thrown.js';

const creds = (baseUrl?: string): UpstreamCredentials => credentials('google', 'gemini', 'AIza-test-secret', { baseUrl });

function chatRequest(body: Record<string, unknown>, model = 'gemini-2.5-flash'): ChatRequest {
  return chatRequestFor('gemini', model, { model: `gemini/${model}`, ...body });
}

/** The Gemini request body sent for an OpenAI body. */
function sent(body: Record<string, unknown>, model?: string): any {
  return JSON.parse(google.chatRequest(chatRequest(body, model), creds()).body!);
}

function rejection(body: Record<string, unknown>): ApiError {
  return expectThrown(ApiError, () => google.chatRequest(chatRequest(body), creds()));
}

const user = (content: unknown) => ({ role: 'user', content });

describe('google adapter: endpoint and headers', () => {
  it('POSTs generateContent on the default base URL with the key in x-goog-api-key, never in the URL', () => {
    const req = google.chatRequest(chatRequest({ messages: [user('hi')] }), creds());
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.method).toBe('POST');
    expect(req.headers['x-goog-api-key']).toBe('AIza-test-secret');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers).not.toHaveProperty('authorization');
    expect(req.url).not.toContain('AIza');
  });

  it('streams with streamGenerateContent?alt=sse on the provider key base URL', () => {
    const req = google.chatRequest(chatRequest({ messages: [user('hi')], stream: true }), creds('http://127.0.0.1:9/v1beta/'));
    expect(req.url).toBe('http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(req.headers.accept).toBe('text/event-stream');
  });

  it('lists models from <base>/models with the key header', () => {
    const req = google.modelsRequest(creds('http://h/v1beta'));
    expect(req).toMatchObject({ url: 'http://h/v1beta/models?pageSize=1000', method: 'GET', headers: { 'x-goog-api-key': 'AIza-test-secret' } });
  });
});

describe('google adapter: messages', () => {
  it('hoists system and developer messages into systemInstruction; user/assistant become user/model contents', () => {
    const body = sent({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        user('Hello'),
        { role: 'assistant', content: 'Bonjour' },
        user([{ type: 'text', text: 'Again' }]),
      ],
    });
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hello' }] },
        { role: 'model', parts: [{ text: 'Bonjour' }] },
        { role: 'user', parts: [{ text: 'Again' }] },
      ],
    });
  });

  it('turns data: image URLs into inlineData and http(s) URLs into fileData with a guessed mime type', () => {
    const body = sent({
      messages: [
        user([
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=2', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/render' } },
        ]),
      ],
    });
    expect(body.contents[0].parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { fileUri: 'https://example.com/cat.JPG?size=2', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://example.com/render', mimeType: 'image/*' } },
    ]);
  });

  it('rejects an image URL that is neither http(s) nor base64 data, naming it', () => {
    const err = rejection({ messages: [user([{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }])] });
    expect(err.status).toBe(400);
    expect(err.options.param).toBe('messages.0.content.0.image_url.url');
  });

  it('rejects content parts Gemini is not given by this adapter (audio), naming the part', () => {
    const err = rejection({ messages: [user([{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }])] });
    expect(err.status).toBe(400);
    expect(err.options.param).toBe('messages.0.content.0.type');
    expect(err.message).toContain('text or image_url');
  });

  it('turns assistant tool_calls into functionCall parts and tool results into functionResponse parts named by call id', () => {
    const body = sent({
      messages: [
        user('Weather and time in Paris?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              extra_content: { google: { thought_signature: 'c2ln' } },
            },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '{"celsius":21}' },
        { role: 'tool', tool_call_id: 'call_b', content: '14:05' },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] },
      {
        role: 'model',
        parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'get_time', args: {} } }],
      },
      // Parallel results go back in one user turn; non-object output is wrapped as {result}.
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { celsius: 21 } } },
          { functionResponse: { name: 'get_time', response: { result: '14:05' } } },
        ],
      },
    ]);
  });

  it('gives Gemini 3 the documented skip signature when a replayed function call lost its own; not Gemini 2.5', () => {
    const messages = [
      user('q'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ];
    expect(sent({ messages }, 'gemini-3-pro-preview').contents[1].parts[0].thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
    expect(sent({ messages }, 'gemini-2.5-flash').contents[1].parts[0]).not.toHaveProperty('thoughtSignature');
  });

  it('rejects a tool message whose call id no earlier assistant message made', () => {
    const err = rejection({ messages: [user('q'), { role: 'tool', tool_call_id: 'call_unknown', content: 'x' }] });
    expect(err.options.param).toBe('messages.1.tool_call_id');
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    const err = rejection({
      messages: [user('q'), { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1' } }] }],
    });
    expect(err.options.param).toBe('messages.1.tool_calls.0.function.arguments');
  });

  it('rejects an unknown role, naming the message', () => {
    const err = rejection({ messages: [{ role: 'function', name: 'f', content: 'x' }] });
    expect(err.status).toBe(400);
    expect(err.options.param).toMatch(/^messages\.0/);
  });
});

describe('google adapter: tools and generation config', () => {
  const weather = {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  };

  it('declares functions and maps tool_choice to functionCallingConfig', () => {
    const body = sent({ messages: [user('q')], tools: [weather], tool_choice: 'auto' });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather now', parameters: weather.function.parameters }] }]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(sent({ messages: [user('q')], tools: [weather], tool_choice: 'none' }).toolConfig.functionCallingConfig).toEqual({ mode: 'NONE' });
    expect(sent({ messages: [user('q')], tools: [weather], tool_choice: 'required' }).toolConfig.functionCallingConfig).toEqual({ mode: 'ANY' });
    expect(
      sent({ messages: [user('q')], tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig.functionCallingConfig,
    ).toEqual({
      mode: 'ANY',
      allowedFunctionNames: ['get_weather'],
    });
  });

  it("sends schemas outside Gemini's OpenAPI subset (strict, additionalProperties) as parametersJsonSchema; drops empty ones", () => {
    const strict = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const body = sent({
      messages: [user('q')],
      tools: [
        { type: 'function', function: { name: 'strict_fn', parameters: strict, strict: true } },
        { type: 'function', function: { name: 'no_args', parameters: { type: 'object', properties: {} } } },
      ],
    });
    expect(body.tools[0].functionDeclarations).toEqual([{ name: 'strict_fn', parametersJsonSchema: strict }, { name: 'no_args' }]);
  });

  it('maps sampling and length fields into generationConfig', () => {
    const body = sent({
      messages: [user('q')],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 100,
      stop: 'END',
      seed: 42,
      n: 2,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      seed: 42,
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect(sent({ messages: [user('q')], max_tokens: 100, max_completion_tokens: 50, stop: ['a', 'b'] }).generationConfig).toEqual({
      maxOutputTokens: 50,
      stopSequences: ['a', 'b'],
    });
    expect(sent({ messages: [user('q')] })).not.toHaveProperty('generationConfig');
  });

  it('maps response_format json_object and json_schema to responseMimeType and a response schema', () => {
    expect(sent({ messages: [user('q')], response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    const simple = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(sent({ messages: [user('q')], response_format: { type: 'json_schema', json_schema: { name: 'a', schema: simple } } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: simple,
    });
    const strict = { ...simple, additionalProperties: false };
    expect(
      sent({ messages: [user('q')], response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema: strict } } }).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: strict,
    });
    expect(sent({ messages: [user('q')], response_format: { type: 'text' } })).not.toHaveProperty('generationConfig');
  });

  it('maps reasoning_effort to a thinking budget on Gemini 2.5 and a thinking level on Gemini 3', () => {
    expect(sent({ messages: [user('q')], reasoning_effort: 'medium' }, 'gemini-2.5-pro').generationConfig.thinkingConfig).toEqual({
      thinkingBudget: 8192,
      includeThoughts: true,
    });
    expect(sent({ messages: [user('q')], reasoning_effort: 'none' }, 'gemini-2.5-flash').generationConfig.thinkingConfig).toEqual({
      thinkingBudget: 0,
      includeThoughts: false,
    });
    expect(sent({ messages: [user('q')], reasoning_effort: 'high' }, 'gemini-3-pro-preview').generationConfig.thinkingConfig).toEqual({
      thinkingLevel: 'high',
      includeThoughts: true,
    });
  });

  it('ignores OpenAI-only fields with no effect on the answer (user, stream_options, parallel_tool_calls)', () => {
    const body = sent({
      messages: [user('q')],
      user: 'u1',
      stream_options: { include_usage: true },
      parallel_tool_calls: true,
      metadata: { a: 'b' },
      store: false,
    });
    expect(body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'q' }] }] });
  });

  it('rejects fields Gemini has no equivalent for with a 400 naming the field', () => {
    for (const field of ['logit_bias', 'audio', 'some_future_field']) {
      const err = rejection({ messages: [user('q')], [field]: { x: 1 } });
      expect(err.status).toBe(400);
      expect(err.options.param).toBe(field);
      expect(err.message).toContain(field);
    }
    expect(rejection({ messages: [user('q')], logprobs: true }).options.param).toBe('logprobs');
    expect(rejection({ messages: [user('q')], temperature: 'hot' }).options.param).toBe('temperature');
    expect(rejection({ messages: [user('q')], tools: [{ type: 'web_search' }] }).options.param).toMatch(/^tools\.0/);
  });
});
