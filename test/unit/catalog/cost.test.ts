import { catalogEntry } from '../../../lambdas/catalog/catalog-entry.js';
import { estimateCost } from '../../../lambdas/catalog/cost.js';

const gpt4o = catalogEntry('openai', 'gpt-4o')!; // $2.50 in, $1.25 cached, $10 out per million

describe('estimateCost', () => {
  it('prices input and output tokens per million', () => {
    expect(estimateCost({ prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 }, gpt4o)).toBeCloseTo(2.5, 10);
    expect(estimateCost({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, gpt4o)).toBeCloseTo(0.0025 + 0.005, 10);
  });

  it('prices cached prompt tokens at the cached-input price', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000, prompt_tokens_details: { cached_tokens: 800 } };
    expect(estimateCost(usage, gpt4o)).toBeCloseTo((200 * 2.5 + 800 * 1.25) / 1e6, 12);
  });

  it('never counts more cached tokens than prompt tokens', () => {
    const usage = { prompt_tokens: 100, completion_tokens: 0, total_tokens: 100, prompt_tokens_details: { cached_tokens: 5000 } };
    expect(estimateCost(usage, gpt4o)).toBeCloseTo((100 * 1.25) / 1e6, 12);
  });

  it('is zero for no tokens and ignores counts that are not non-negative numbers', () => {
    expect(estimateCost({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, gpt4o)).toBe(0);
    const odd = { prompt_tokens: -5, completion_tokens: Number.NaN, total_tokens: 0, prompt_tokens_details: { cached_tokens: '3' as unknown as number } };
    expect(estimateCost(odd, gpt4o)).toBe(0);
  });

  it('is undefined without a catalog entry', () => {
    expect(estimateCost({ prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 }, undefined)).toBeUndefined();
  });
});
