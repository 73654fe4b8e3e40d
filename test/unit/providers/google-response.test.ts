import { google } from '../../../lambdas/providers/google/index.js';
import { UpstreamError } from '../../../lambdas/providers/types.js';
import { fixedResponse } from '../../fakes/google-upstream.js';
import { expectValid } from '../../support/openai-schema.js';

async function completion(gemini: unknown): Promise<{ json: any; usage: unknown; finishReason: unknown }> {
  const answer = await google.readChatResponse(fixedResponse(200, gemini));
  const json = JSON.parse(answer.json);
  expectValid('completion', json);
  return { json, usage: answer.usage, finishReason: answer.finishReason };
}

const usageMetadata = { promptTokenCount: 20, candidatesTokenCount: 9, thoughtsTokenCount: 4, cachedContentTokenCount: 6, totalTokenCount: 33 };

describe('google adapter: generateContent response → chat.completion', () => {
  it('joins text parts into content, thought parts into reasoning_content, and maps usage', async () => {
    const { json, usage, finishReason } = await completion({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Let me think.', thought: true }, { text: 'Paris is ' }, { text: 'the capital.' }] },
          finishReason: 'STOP',
          index: 0,
          safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }],
        },
      ],
      usageMetadata,
      modelVersion: 'gemini-2.5-flash',
      responseId: 'abc123',
    });
    expect(json).toMatchObject({ id: 'chatcmpl-abc123', object: 'chat.completion', model: 'gemini-2.5-flash' });
    expect(json.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Paris is the capital.', refusal: null, annotations: [], reasoning_content: 'Let me think.' },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    const expected = {
      prompt_tokens: 20,
      completion_tokens: 13,
      total_tokens: 33,
      prompt_tokens_details: { cached_tokens: 6 },
      completion_tokens_details: { reasoning_tokens: 4 },
    };
    expect(json.usage).toEqual(expected);
    expect(usage).toEqual(expected);
    expect(finishReason).toBe('stop');
  });

  it('turns functionCall parts into tool_calls with generated ids, JSON arguments and finish_reason tool_calls', async () => {
    const args = { location: 'Paris, France', days: [1, 2], nested: { unit: 'celsius' } };
    const { json, finishReason } = await completion({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ functionCall: { name: 'get_weather', args }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'get_time', args: {} } }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
    });
    const message = json.choices[0].message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toHaveLength(2);
    expect(message.tool_calls[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather' },
      extra_content: { google: { thought_signature: 'c2ln' } },
    });
    expect(JSON.parse(message.tool_calls[0].function.arguments)).toEqual(args);
    expect(message.tool_calls[1]).toEqual({ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_time', arguments: '{}' } });
    expect(message.tool_calls[0].id).not.toBe(message.tool_calls[1].id);
    expect(finishReason).toBe('tool_calls');
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps finishReason %s to %s', async (gemini, openai) => {
    const { json } = await completion({ candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] }, finishReason: gemini }] });
    expect(json.choices[0].finish_reason).toBe(openai);
  });

  it('answers a prompt Gemini blocked (no candidates) as an empty content_filter choice', async () => {
    const { json, finishReason } = await completion({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } });
    expect(json.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    expect(finishReason).toBe('content_filter');
    expect(json.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 0, total_tokens: 7 });
  });

  it('answers n candidates as n choices', async () => {
    const { json } = await completion({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'one' }] }, finishReason: 'STOP', index: 0 },
        { content: { role: 'model', parts: [{ text: 'two' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
    });
    expect(json.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'one', 'stop'],
      [1, 'two', 'length'],
    ]);
  });

  it('fails with an UpstreamError, quoting nothing of the body, on invalid JSON or an unexpected shape', async () => {
    for (const body of ['{"candidates": [', JSON.stringify({ candidates: 'SECRET-CONTENT' })]) {
      const err = await google.readChatResponse(fixedResponse(200, body)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).failure.kind).toBe('stream');
      expect(JSON.stringify((err as UpstreamError).failure)).not.toContain('SECRET');
    }
  });
});
