import { catalogEntry, estimateCost } from '../../../lambdas/catalog/index.js';
import { configTargets, referenceCost, referenceEntries } from '../../../lambdas/routing/reference-targets.js';
import { PROVIDER_KEYS, config, request } from './fixtures.js';

const providerOf = (name: string) => PROVIDER_KEYS[name];
const usage = { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 };

describe('reference cost (cost optimisation, P4)', () => {
  const routed = config({
    name: 'saver',
    strategy: 'fallback',
    targets: [{ model: 'oa/gpt-4o-mini' }, { model: 'oa/gpt-4o' }, { model: 'cu/unknown-model' }],
  });

  it('lists every target the config names, with the path of its field', () => {
    expect(configTargets(routed)).toEqual([
      { path: 'targets.0.model', model: 'oa/gpt-4o-mini' },
      { path: 'targets.1.model', model: 'oa/gpt-4o' },
      { path: 'targets.2.model', model: 'cu/unknown-model' },
    ]);
  });

  it('prices the usage on the most expensive eligible target the catalog knows', () => {
    const entries = referenceEntries(routed, request(), providerOf);
    expect(entries.map((e) => e.model).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    const expensive = estimateCost(usage, catalogEntry('openai', 'gpt-4o'));
    expect(expensive).toBeGreaterThan(estimateCost(usage, catalogEntry('openai', 'gpt-4o-mini')) ?? Infinity);
    expect(referenceCost(usage, entries)).toBe(expensive);
  });

  it('leaves out targets that cannot serve the request (a prompt beyond their context window)', () => {
    const window = catalogEntry('openai', 'gpt-4o')?.contextWindow ?? 0;
    expect(referenceEntries(routed, request({ promptTokens: window + 1 }), providerOf)).toEqual([]);
  });

  it('has no reference cost when no target is priced', () => {
    expect(referenceCost(usage, [])).toBeUndefined();
  });
});
