import { requiredCapabilities } from '../../../lambdas/catalog/index.js';
import { decideRoute } from '../../../lambdas/routing/decide-route.js';
import { config, context, models, request } from './fixtures.js';

/**
 * Against the real catalog (USD per million tokens, input/output): gpt-5 1.25/10, gpt-5-mini 0.25/2,
 * gpt-4o-mini 0.15/0.6 (no reasoning, 128K context), deepseek-chat 0.28/0.42 (no vision or json_schema, 128K),
 * llama-3.1-8b-instant on Groq 0.05/0.08 (no vision or json_schema, 131,072 context).
 */
const costConfig = (targets: string[]) => config({ name: 'cheap', strategy: 'cost', targets: targets.map((model) => ({ model })) });
const ALL = ['oa/gpt-5', 'oa/gpt-5-mini', 'oa/gpt-4o-mini', 'ds/deepseek-chat', 'gq/llama-3.1-8b-instant'];

function withBody(extra: Record<string, unknown>, promptTokens = 1_000) {
  const body = { messages: [{ role: 'user', content: 'Describe the attached chart.' }], ...extra };
  return request({ body, needs: requiredCapabilities(body), promptTokens });
}

async function costOrder(targets: string[], req = withBody({})): Promise<string[]> {
  const decision = await decideRoute(costConfig(targets), req, context());
  expect(decision.strategy).toBe('cost');
  return models(decision);
}

describe('cost strategy', () => {
  it('orders the targets cheapest first for the estimated prompt and default expected output', async () => {
    expect(await costOrder(ALL)).toEqual(['gq/llama-3.1-8b-instant', 'oa/gpt-4o-mini', 'ds/deepseek-chat', 'oa/gpt-5-mini', 'oa/gpt-5']);
  });

  it("counts the request's own output limit: a long answer makes the cheaper-output model cheaper", async () => {
    const pair = ['oa/gpt-4o-mini', 'ds/deepseek-chat'];
    expect(await costOrder(pair, withBody({}))).toEqual(['oa/gpt-4o-mini', 'ds/deepseek-chat']);
    expect(await costOrder(pair, withBody({ max_completion_tokens: 4_000 }))).toEqual(['ds/deepseek-chat', 'oa/gpt-4o-mini']);
    expect(await costOrder(pair, withBody({ max_tokens: 4_000 }))).toEqual(['ds/deepseek-chat', 'oa/gpt-4o-mini']);
  });

  it('skips models without vision for a request with an image', async () => {
    const image = withBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] });
    expect(await costOrder(ALL, image)).toEqual(['oa/gpt-4o-mini', 'oa/gpt-5-mini', 'oa/gpt-5']);
  });

  it('skips models without json_schema for a structured-output request', async () => {
    const schema = withBody({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } });
    expect(await costOrder(ALL, schema)).toEqual(['oa/gpt-4o-mini', 'oa/gpt-5-mini', 'oa/gpt-5']);
  });

  it('skips models without reasoning for a reasoning_effort request', async () => {
    expect(await costOrder(['oa/gpt-4o-mini', 'oa/gpt-5-mini'], withBody({ reasoning_effort: 'low' }))).toEqual(['oa/gpt-5-mini']);
  });

  it('every catalog model offers tools, so a tools request keeps them all', async () => {
    const tools = withBody({ tools: [{ type: 'function', function: { name: 'lookup', parameters: {} } }] });
    expect(await costOrder(ALL, tools)).toEqual(await costOrder(ALL));
  });

  it('skips models whose context window cannot hold the prompt and the expected answer', async () => {
    // 127,800 + 256 > 128,000 (gpt-4o-mini, deepseek-chat) but fits 131,072 (llama) and 400,000 (gpt-5-mini).
    const long = withBody({}, 127_800);
    expect(await costOrder(ALL, long)).toEqual(['gq/llama-3.1-8b-instant', 'oa/gpt-5-mini', 'oa/gpt-5']);
    // With a 4,000-token limit, llama's 131,072 no longer holds it either.
    expect(await costOrder(ALL, withBody({ max_tokens: 4_000 }, 127_800))).toEqual(['oa/gpt-5-mini', 'oa/gpt-5']);
  });

  it('puts targets it cannot price (model unknown to the catalog, unknown provider key) after the priced ones, in listed order', async () => {
    expect(await costOrder(['cu/house-model', 'oa/gpt-5', 'zz/gpt-5-nano', 'oa/gpt-5-nano'])).toEqual([
      'oa/gpt-5-nano',
      'oa/gpt-5',
      'cu/house-model',
      'zz/gpt-5-nano',
    ]);
  });

  it('returns every target in listed order when none can serve the request (the router then refuses with the first one’s 400)', async () => {
    const image = withBody({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] });
    expect(await costOrder(['ds/deepseek-chat', 'gq/llama-3.1-8b-instant'], image)).toEqual(['ds/deepseek-chat', 'gq/llama-3.1-8b-instant']);
  });
});
