import { catalogEntrySchema } from '../../../lambdas/catalog/catalog-schema.js';
import { MODELS } from '../../../lambdas/catalog/models.js';
import { PROVIDER_IDS } from '../../../lambdas/provider-ids.js';

describe('model catalog data', () => {
  it.each(MODELS.map((entry) => [`${entry.provider}/${entry.model}`, entry] as const))('%s is well-formed', (_name, entry) => {
    expect(catalogEntrySchema.parse(entry)).toEqual(entry);
  });

  it('names every model id and alias once per provider', () => {
    const keys = MODELS.flatMap((e) => [e.model, ...(e.aliases ?? [])].map((id) => `${e.provider}:${id}`));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('covers the main providers', () => {
    const providers = new Set(MODELS.map((e) => e.provider));
    for (const id of ['openai', 'anthropic', 'google', 'groq', 'deepseek', 'mistral', 'xai'] as const) expect(providers).toContain(id);
    for (const id of providers) expect(PROVIDER_IDS).toContain(id);
  });

  it('says when every price was read, and no date is in the future', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const entry of MODELS) expect(entry.pricesReadOn <= today).toBe(true);
  });

  it('rejects malformed entries', () => {
    const good = MODELS[0]!;
    const embedding = MODELS.find((e) => e.embedding)!;
    const bad = [
      { ...good, provider: 'acme' },
      { ...good, model: 'GPT 4o' },
      { ...good, maxOutputTokens: good.contextWindow + 1 },
      { ...good, prices: { ...good.prices, cachedInput: good.prices.input + 1 } },
      { ...good, prices: { ...good.prices, output: -1 } },
      { ...good, pricesReadOn: 'last week' },
      { ...good, capabilities: { ...good.capabilities, audio: true } },
      { ...good, notes: 'free text' },
      { ...good, maxOutputTokens: undefined },
      { ...good, embedding: { dimensions: 8 } },
      { ...embedding, maxOutputTokens: 10 },
      { ...embedding, prices: { ...embedding.prices, output: 1 } },
      { ...embedding, capabilities: { ...embedding.capabilities, tools: true } },
      { ...embedding, embedding: { dimensions: 8, reducibleTo: [] } },
    ];
    for (const entry of bad) expect(catalogEntrySchema.safeParse(entry).success).toBe(false);
  });
});
