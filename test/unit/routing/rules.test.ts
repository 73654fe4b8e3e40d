import { requiredCapabilities } from '../../../lambdas/catalog/index.js';
import { ruleSchema, type Rule } from '../../../lambdas/routing/config-schema.js';
import { matchRule } from '../../../lambdas/routing/rules.js';
import { request } from './fixtures.js';

const rule = (when: Rule['when']): Rule => ruleSchema.parse({ when, targets: [{ model: 'oa/gpt-5-mini' }] });
const matches = (when: Rule['when'], req = request()) => matchRule([rule(when)], req) !== undefined;

describe('matchRule', () => {
  it('model: exact, by prefix with a trailing *, or any of a list', () => {
    const req = request({ model: 'gpt-4o-mini' });
    expect(matches({ model: 'gpt-4o-mini' }, req)).toBe(true);
    expect(matches({ model: 'gpt-4o' }, req)).toBe(false);
    expect(matches({ model: 'gpt-4*' }, req)).toBe(true);
    expect(matches({ model: 'gpt-5*' }, req)).toBe(false);
    expect(matches({ model: ['claude*', 'gpt-4o-mini'] }, req)).toBe(true);
    expect(matches({ model: ['claude*', 'gpt-5'] }, req)).toBe(false);
  });

  it('tools: whether the request offers tools', () => {
    const body = { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] };
    const withTools = request({ body, needs: requiredCapabilities(body) });
    expect(matches({ tools: true }, withTools)).toBe(true);
    expect(matches({ tools: false }, withTools)).toBe(false);
    expect(matches({ tools: false }, request())).toBe(true);
  });

  it('min/maxPromptTokens are inclusive bounds', () => {
    const req = request({ promptTokens: 1_000 });
    expect(matches({ minPromptTokens: 1_000 }, req)).toBe(true);
    expect(matches({ minPromptTokens: 1_001 }, req)).toBe(false);
    expect(matches({ maxPromptTokens: 1_000 }, req)).toBe(true);
    expect(matches({ maxPromptTokens: 999 }, req)).toBe(false);
    expect(matches({ minPromptTokens: 500, maxPromptTokens: 2_000 }, req)).toBe(true);
  });

  it('metadata: every listed header present with one of its values (values case-sensitive)', () => {
    const req = request({ metadata: { tier: 'gold', team: 'search' } });
    expect(matches({ metadata: { tier: 'gold' } }, req)).toBe(true);
    expect(matches({ metadata: { tier: ['silver', 'gold'], team: 'search' } }, req)).toBe(true);
    expect(matches({ metadata: { tier: 'gold', team: 'ads' } }, req)).toBe(false);
    expect(matches({ metadata: { tier: 'Gold' } }, req)).toBe(false);
    expect(matches({ metadata: { region: 'eu' } }, req)).toBe(false);
    expect(matches({ metadata: { constructor: 'x' } }, req)).toBe(false);
  });

  it('every condition of a rule must hold', () => {
    const req = request({ model: 'gpt-4o', promptTokens: 100 });
    expect(matches({ model: 'gpt-4*', maxPromptTokens: 100 }, req)).toBe(true);
    expect(matches({ model: 'gpt-4*', maxPromptTokens: 99 }, req)).toBe(false);
  });

  it('the first matching rule wins, with its 0-based index', () => {
    const rules = [rule({ model: 'nope' }), rule({ minPromptTokens: 10 }), rule({ minPromptTokens: 0 })];
    const matched = matchRule(rules, request({ promptTokens: 20 }));
    expect(matched?.index).toBe(1);
    expect(matched?.rule).toBe(rules[1]);
    expect(matchRule(rules.slice(0, 1), request())).toBeUndefined();
  });
});
