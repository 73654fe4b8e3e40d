import { anthropic } from '../../../lambdas/providers/anthropic/index.js';
import { upstreamFailureToApiError } from '../../../lambdas/gateway/client-errors.js';
import { UpstreamError } from '../../../lambdas/providers/types.js';
import { expectValid } from '../../support/openai-schema.js';
import { fixedResponse } from '../../support/fixed-response.js';

/** An upstream answer with a fixed body, as the transport hands it to an adapter. */
const upstream = fixedResponse;

/** A Messages API response in the documented wire format. */
function message(content: unknown[], stopReason: string, usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 5 }) {
  return {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}

async function completion(body: unknown) {
  const answer = await anthropic.readChatResponse(upstream(200, body));
  const json = JSON.parse(answer.json);
  expectValid('completion', json);
  return { answer, json };
}

describe('anthropic adapter: non-streamed response', () => {
  it('joins text blocks into content and fills id, created, model and usage', async () => {
    const { answer, json } = await completion(
      message(
        [
          { type: 'text', text: 'Hello, ' },
          { type: 'text', text: 'world.' },
        ],
        'end_turn',
      ),
    );
    expect(json).toMatchObject({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello, world.', refusal: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(json.created).toBeGreaterThan(1_700_000_000);
    expect(answer.finishReason).toBe('stop');
    expect(answer.usage).toEqual(json.usage);
  });

  it('turns tool_use blocks into tool_calls with JSON-string arguments', async () => {
    const input = { location: 'Paris', days: [1, 2], nested: { unit: 'celsius' } };
    const { json } = await completion(
      message(
        [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input },
          { type: 'tool_use', id: 'toolu_02', name: 'get_time', input: {} },
        ],
        'tool_use',
      ),
    );
    const msg = json.choices[0].message;
    expect(msg.content).toBe('Checking.');
    expect(msg.tool_calls).toEqual([
      { id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(input) } },
      { id: 'toolu_02', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(JSON.parse(msg.tool_calls[0].function.arguments)).toEqual(input);
    expect(json.choices[0].finish_reason).toBe('tool_calls');
  });

  it('puts thinking into reasoning_content, and content null when there is no text', async () => {
    const { json } = await completion(
      message(
        [
          { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
          { type: 'redacted_thinking', data: 'xyz' },
          { type: 'tool_use', id: 't', name: 'f', input: { a: 1 } },
        ],
        'tool_use',
      ),
    );
    expect(json.choices[0].message.reasoning_content).toBe('Let me think.');
    expect(json.choices[0].message.content).toBeNull();
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['a_future_reason', 'stop'],
  ])('maps stop_reason %s to finish_reason %s', async (stopReason, finish) => {
    const { answer, json } = await completion(message([{ type: 'text', text: 'x' }], stopReason));
    expect(json.choices[0].finish_reason).toBe(finish);
    expect(answer.finishReason).toBe(finish);
  });

  it('counts cache reads and writes into prompt_tokens, with cache reads as cached_tokens', async () => {
    const { json } = await completion(
      message([{ type: 'text', text: 'x' }], 'end_turn', {
        input_tokens: 21,
        output_tokens: 9,
        cache_read_input_tokens: 1000,
        cache_creation_input_tokens: 200,
      }),
    );
    expect(json.usage).toEqual({ prompt_tokens: 1221, completion_tokens: 9, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1000 } });
  });

  it('treats invalid JSON or an unexpected shape as an upstream failure', async () => {
    await expect(anthropic.readChatResponse(upstream(200, '{oops'))).rejects.toBeInstanceOf(UpstreamError);
    await expect(anthropic.readChatResponse(upstream(200, { type: 'message', content: 'no' }))).rejects.toMatchObject({ failure: { kind: 'stream' } });
  });
});

describe('anthropic adapter: error responses', () => {
  const errorBody = (type: string, message: string) => ({ type: 'error', error: { type, message } });

  it.each([
    [400, 'invalid_request_error', 400],
    [401, 'authentication_error', 424],
    [403, 'permission_error', 424],
    [404, 'not_found_error', 404],
    [413, 'request_too_large', 413],
    [500, 'api_error', 502],
    [529, 'overloaded_error', 502],
  ])('reads HTTP %i %s as an http failure with its message, which the gateway answers with %i', async (status, type, clientStatus) => {
    const failure = await anthropic.readFailure(upstream(status, errorBody(type, `message for ${type}`)));
    expect(failure).toEqual({ kind: 'http', status, message: `message for ${type}`, retryAfter: undefined });
    expect(upstreamFailureToApiError(failure).status).toBe(clientStatus);
  });

  it('keeps Retry-After on 429, which the client sees with it', async () => {
    const failure = await anthropic.readFailure(upstream(429, errorBody('rate_limit_error', 'slow down'), { 'retry-after': '13' }));
    expect(failure).toEqual({ kind: 'http', status: 429, message: 'slow down', retryAfter: '13' });
    const apiError = upstreamFailureToApiError(failure);
    expect(apiError.status).toBe(429);
    expect(apiError.headers['retry-after']).toBe('13');
  });

  it('529 overloaded is an upstream failure of the 5xx class (retryable), not a client error', async () => {
    const apiError = upstreamFailureToApiError(await anthropic.readFailure(upstream(529, errorBody('overloaded_error', 'Overloaded'))));
    expect(apiError.kind).toBe('upstream_error');
    expect(apiError.status).toBeGreaterThanOrEqual(502);
    expect(apiError.status).toBeLessThanOrEqual(503);
    expectValid('error', apiError.toBody());
  });

  it('reads a body that is not JSON by its status alone', async () => {
    expect(await anthropic.readFailure(upstream(502, '<html>Bad gateway</html>'))).toEqual({
      kind: 'http',
      status: 502,
      message: undefined,
      retryAfter: undefined,
    });
  });
});

describe('anthropic adapter: models', () => {
  it('reads data[].id with created_at as epoch seconds', async () => {
    const models = await anthropic.readModels(
      upstream(200, {
        data: [
          { type: 'model', id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
          { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5' },
        ],
        has_more: false,
        first_id: 'claude-sonnet-4-5-20250929',
        last_id: 'claude-haiku-4-5',
      }),
    );
    expect(models).toEqual([
      { id: 'claude-sonnet-4-5-20250929', created: Date.UTC(2025, 8, 29) / 1000, ownedBy: 'anthropic' },
      { id: 'claude-haiku-4-5', created: undefined, ownedBy: 'anthropic' },
    ]);
  });

  it('reads an unexpected list shape as no models', async () => {
    expect(await anthropic.readModels(upstream(200, { models: [] }))).toEqual([]);
  });
});
