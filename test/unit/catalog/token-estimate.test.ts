import { CompletionTokenCounter, estimateUsage, generatedText } from '../../../lambdas/catalog/token-estimate.js';

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

describe('CompletionTokenCounter', () => {
  /** `text` in pieces of 1 to 40 characters, as a stream's deltas would bring it. */
  const pieces = (text: string): string[] => {
    const out: string[] = [];
    for (let i = 0, n = 1; i < text.length; i += n, n = (n * 7 + 3) % 40 || 1) out.push(text.slice(i, i + n));
    return out;
  };
  const countOf = (parts: readonly string[]) => {
    const counter = new CompletionTokenCounter();
    for (const part of parts) counter.add(part);
    return counter.tokens;
  };

  it('counts a long streamed text batch by batch exactly as the whole text would be counted', () => {
    const text = `${sentence.repeat(400)}\n\n  indented: code(1, 2);\n${'Déjà vu, naïve café. 東京は晴れ。 '.repeat(300)}emoji 🎉🎉 end`;
    expect(text.length).toBeGreaterThan(20_000);
    expect(countOf(pieces(text))).toBe(estimateUsage({ messages: [] }, text).completion_tokens);
    expect(estimateUsage({ messages: [] }, countOf(pieces(text)))).toEqual(estimateUsage({ messages: [] }, text));
  });

  it('counts text without whitespace in pieces, close to the whole count', () => {
    const base64ish = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789'.repeat(2_000);
    const whole = estimateUsage({ messages: [] }, base64ish).completion_tokens;
    const streamed = countOf(pieces(base64ish));
    expect(Math.abs(streamed - whole) / whole).toBeLessThan(0.01);
  });

  it('counts nothing for no text', () => {
    expect(new CompletionTokenCounter().tokens).toBe(0);
  });
});
