import { catalogEntry, modelIdCandidates } from '../../../lambdas/catalog/catalog-entry.js';

describe('catalogEntry', () => {
  it('finds a model by provider and id', () => {
    expect(catalogEntry('openai', 'gpt-4o')).toMatchObject({ provider: 'openai', model: 'gpt-4o' });
    expect(catalogEntry('anthropic', 'claude-haiku-4-5')?.model).toBe('claude-haiku-4-5');
  });

  it.each([
    ['openai', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['openai', 'gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['anthropic', 'claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['anthropic', 'claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['anthropic', 'claude-sonnet-4-0', 'claude-sonnet-4'],
    ['anthropic', 'claude-opus-4-1-latest', 'claude-opus-4-1'],
    ['google', 'models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['google', 'gemini-2.5-pro-preview-06-05', 'gemini-2.5-pro'],
    ['google', 'gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['xai', 'grok-4-0709', 'grok-4'],
    ['openai', 'GPT-4o', 'gpt-4o'],
  ] as const)('matches %s %s to %s', (provider, model, family) => {
    expect(catalogEntry(provider, model)?.model).toBe(family);
  });

  it('keeps an exact id that looks like a snapshot (mistral-medium-2505 is its own entry)', () => {
    expect(catalogEntry('mistral', 'mistral-medium-2505')?.model).toBe('mistral-medium-2505');
  });

  it('does not confuse a family with its smaller sibling', () => {
    expect(catalogEntry('openai', 'gpt-4o-mini')?.model).toBe('gpt-4o-mini');
    expect(catalogEntry('openai', 'gpt-5-nano')?.prices.input).toBe(0.05);
  });

  it.each([
    ['openai', 'gpt-4o-audio-preview'], // a different model, not a snapshot
    ['openai', 'gpt-4o-mini-search'],
    ['openai', 'ft:gpt-4o-mini:acme::abc123'],
    ['openai', 'claude-sonnet-4-5'], // the right id under the wrong provider
    ['custom', 'gpt-4o'],
    ['anthropic', 'claude-sonnet-4-5-v2'], // a suffix that is no date or alias tag
    ['openai', 'gpt-4o-2024-08'], // half a date is no snapshot
    ['openai', ''],
  ] as const)('finds no entry for %s %s', (provider, model) => {
    expect(catalogEntry(provider, model)).toBeUndefined();
  });

  it('tries the id, then one suffix removed at a time', () => {
    expect(modelIdCandidates('claude-sonnet-4-5-20250929')).toEqual(['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5']);
    expect(modelIdCandidates('Models/Gemini-2.5-Pro-Preview-06-05')).toEqual(['gemini-2.5-pro-preview-06-05', 'gemini-2.5-pro']);
    expect(modelIdCandidates('gpt-4o')).toEqual(['gpt-4o']);
  });
});
