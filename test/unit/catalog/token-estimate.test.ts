import { estimateUsage, generatedText } from '../../../lambdas/catalog/token-estimate.js';

const sentence = 'The quick brown fox jumps over the lazy dog. ';

describe('estimateUsage', () => {
  it('flags the usage as estimated and adds up its counts', () => {
    const usage = estimateUsage({ messages: [{ role: 'user', content: 'Hello there, how are you today?' }] }, 'I am fine, thank you.');
    expect(usage.estimated).toBe(true);
    expect(usage.prompt_tokens).toBeGreaterThan(6); // the message's words plus the chat format's overhead
    expect(usage.completion_tokens).toBeGreaterThan(2);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('grows with the text, within the range of a real tokenizer (about 10 tokens per sentence here)', () => {
    const long = estimateUsage({ messages: [] }, sentence.repeat(100));
    expect(long.completion_tokens).toBeGreaterThan(700);
    expect(long.completion_tokens).toBeLessThan(1400);
    expect(estimateUsage({ messages: [] }, '').completion_tokens).toBe(0);
  });

  it('counts text parts, images, tool calls and tool definitions in the prompt', () => {
    const base = estimateUsage({ messages: [{ role: 'user', content: 'hi' }] }, '').prompt_tokens;
    const withParts = estimateUsage(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
        ],
      },
      '',
    );
    expect(withParts.prompt_tokens).toBeGreaterThanOrEqual(base + 85);
    const withCall = estimateUsage(
      {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        ],
      },
      '',
    );
    expect(withCall.prompt_tokens).toBeGreaterThan(base + 3);
    const withTools = estimateUsage(
      { messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'get_weather', description: sentence } }] },
      '',
    );
    expect(withTools.prompt_tokens).toBeGreaterThan(base + 10);
  });

  it('tolerates a body without usable messages', () => {
    expect(estimateUsage({ messages: 'nope' }, 'x').prompt_tokens).toBe(3);
  });
});

describe('generatedText', () => {
  it('gathers content, reasoning, refusal and tool calls of a message or delta', () => {
    expect(generatedText({ role: 'assistant', content: 'Hi', reasoning_content: ' think', refusal: null })).toBe('Hi think');
    expect(
      generatedText({
        tool_calls: [
          { index: 0, function: { name: 'f', arguments: '{"a"' } },
          { index: 0, function: { arguments: ':1}' } },
        ],
      }),
    ).toBe('f{"a":1}');
    expect(generatedText({ refusal: 'No.' })).toBe('No.');
  });

  it('is empty for anything else', () => {
    expect(generatedText(undefined)).toBe('');
    expect(generatedText({ content: null, tool_calls: [null, { function: 3 }] })).toBe('');
    expect(generatedText('text')).toBe('');
  });
});
