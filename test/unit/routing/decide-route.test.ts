import { requiredCapabilities } from '../../../lambdas/catalog/index.js';
import { decideRoute, directDecision, inlineDecision } from '../../../lambdas/routing/decide-route.js';
import type { Classification, ClassifyRequest } from '../../../lambdas/routing/decision.js';
import { config, context, models, request, role } from './fixtures.js';

const targets = (...names: string[]) => names.map((model) => ({ model }));
const imageRequest = () => {
  const body = { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }] };
  return request({ body, needs: requiredCapabilities(body) });
};

describe('decideRoute', () => {
  describe('fallback', () => {
    it('keeps the listed order and reports strategy and config', async () => {
      const decision = await decideRoute(config({ name: 'fb', strategy: 'fallback', targets: targets('cu/b', 'cu/a', 'cu/c') }), request(), context());
      expect(decision).toMatchObject({ strategy: 'fallback', configName: 'fb' });
      expect(decision.route).toBeUndefined();
      expect(models(decision)).toEqual(['cu/b', 'cu/a', 'cu/c']);
    });

    it('lists each target once, at its first place', async () => {
      const decision = await decideRoute(config({ name: 'fb', strategy: 'fallback', targets: targets('cu/a', 'cu/b', 'cu/a', 'oa/a') }), request(), context());
      expect(models(decision)).toEqual(['cu/a', 'cu/b', 'oa/a']);
    });

    it('moves targets the catalog says cannot serve the request behind those that can, keeping each group’s order', async () => {
      const cfg = config({ name: 'fb', strategy: 'fallback', targets: targets('gq/llama-3.1-8b-instant', 'oa/gpt-5-mini', 'ds/deepseek-chat', 'cu/house') });
      expect(models(await decideRoute(cfg, imageRequest(), context()))).toEqual(['oa/gpt-5-mini', 'cu/house', 'gq/llama-3.1-8b-instant', 'ds/deepseek-chat']);
      expect(models(await decideRoute(cfg, request(), context()))).toEqual(['gq/llama-3.1-8b-instant', 'oa/gpt-5-mini', 'ds/deepseek-chat', 'cu/house']);
    });
  });

  describe('rules', () => {
    const withRules = config({
      name: 'ruled',
      strategy: 'cost',
      targets: targets('oa/gpt-5', 'oa/gpt-5-nano'),
      rules: [
        { when: { metadata: { tier: 'gold' } }, targets: targets('oa/gpt-5', 'an/claude-sonnet-4-5') },
        { name: 'big-prompts', when: { minPromptTokens: 10_000 }, targets: targets('gg/gemini-2.5-flash', 'oa/gpt-5', 'gg/gemini-2.5-flash') },
      ],
    });

    it('the first matching rule wins: route is its name, targets in listed order, strategy still the config’s', async () => {
      const decision = await decideRoute(withRules, request({ promptTokens: 20_000, metadata: { tier: 'gold' } }), context());
      expect(decision).toMatchObject({ strategy: 'cost', configName: 'ruled', route: 'rule-1' });
      expect(models(decision)).toEqual(['oa/gpt-5', 'an/claude-sonnet-4-5']);
    });

    it('a named rule reports its name; its targets are de-duplicated and get no last resort', async () => {
      const decision = await decideRoute(withRules, request({ promptTokens: 20_000 }), context());
      expect(decision.route).toBe('big-prompts');
      expect(models(decision)).toEqual(['gg/gemini-2.5-flash', 'oa/gpt-5']);
    });

    it('a matching rule spares the classifier (the fixture classifier throws if asked)', async () => {
      const cfg = config({
        name: 'r',
        strategy: 'role',
        roles: { chat: targets('cu/chatty') },
        defaultRole: 'chat',
        rules: [{ when: { tools: false }, targets: targets('cu/ruled') }],
      });
      const decision = await decideRoute(cfg, request(), context({ roles: [role('chat')] }));
      expect(decision).toMatchObject({ strategy: 'role', route: 'rule-1' });
      expect(models(decision)).toEqual(['cu/ruled']);
    });

    it('without a match, the strategy decides', async () => {
      const decision = await decideRoute(withRules, request(), context());
      expect(decision.route).toBeUndefined();
      expect(models(decision)).toEqual(['oa/gpt-5-nano', 'oa/gpt-5']);
    });
  });

  describe('role', () => {
    const roleConfig = (extra: Record<string, unknown> = {}) =>
      config({
        name: 'roles',
        strategy: 'role',
        roles: { coding: targets('cu/coder'), chat: targets('cu/chatty', 'cu/shared') },
        defaultRole: 'chat',
        targets: targets('cu/shared', 'cu/last'),
        ...extra,
      });
    const roles = [role('coding', 'You are a careful programmer.'), role('chat'), role('math'), role('writing')];
    const classifier = (answer: Classification) => {
      const offered: string[][] = [];
      const classify: ClassifyRequest = (_req, given) => {
        offered.push(given.roles.map((r) => r.name));
        return answer;
      };
      return { classify, offered };
    };

    it("routes to the classified role's targets, then the config's targets, with its system prompt and classification", async () => {
      const { classify } = classifier({ role: 'coding', confidence: 0.9, method: 'local' });
      const decision = await decideRoute(roleConfig(), request(), context({ roles, classify }));
      expect(decision).toMatchObject({
        strategy: 'role',
        route: 'coding',
        systemPrompt: 'You are a careful programmer.',
        classification: { role: 'coding', confidence: 0.9, method: 'local' },
      });
      expect(models(decision)).toEqual(['cu/coder', 'cu/shared', 'cu/last']);
    });

    it('offers the classifier only the roles the config maps', async () => {
      const { classify, offered } = classifier({ role: 'chat', confidence: 0.8, method: 'local' });
      await decideRoute(roleConfig(), request(), context({ roles, classify }));
      expect(offered).toEqual([['coding', 'chat']]);
    });

    it('below the threshold uses the default role, method default, keeping the measured confidence', async () => {
      const { classify } = classifier({ role: 'coding', confidence: 0.4, method: 'llm' });
      const decision = await decideRoute(roleConfig(), request(), context({ roles, classify, defaultMinConfidence: 0.5 }));
      expect(decision).toMatchObject({ route: 'chat', classification: { role: 'chat', confidence: 0.4, method: 'default' } });
      expect(decision.systemPrompt).toBeUndefined();
      expect(models(decision)).toEqual(['cu/chatty', 'cu/shared', 'cu/last']);
    });

    it("the config's own minConfidence overrides the account default", async () => {
      const { classify } = classifier({ role: 'coding', confidence: 0.4, method: 'local' });
      const decision = await decideRoute(
        roleConfig({ classifier: { minConfidence: 0.3 } }),
        request(),
        context({ roles, classify, defaultMinConfidence: 0.5 }),
      );
      expect(decision.route).toBe('coding');
    });

    it('takes an asynchronous classifier (the LLM one) as well as a synchronous one (the local one)', async () => {
      const classify: ClassifyRequest = async () => ({ role: 'coding', confidence: 1, method: 'llm' });
      expect((await decideRoute(roleConfig(), request(), context({ roles, classify }))).route).toBe('coding');
      const now = await decideRoute(
        roleConfig(),
        request(),
        context({ roles, classify: classifier({ role: 'coding', confidence: 1, method: 'local' }).classify }),
      );
      expect(now.route).toBe('coding');
    });

    it('with none of its roles defined in the account, uses the default role without asking the classifier', async () => {
      const decision = await decideRoute(roleConfig(), request(), context({ roles: [role('math')] }));
      expect(decision).toMatchObject({ route: 'chat', classification: { role: 'chat', confidence: 0, method: 'default' } });
    });
  });

  describe('complexity', () => {
    const bands = (defined: Record<string, string[]>) =>
      config({
        name: 'cx',
        strategy: 'complexity',
        bands: Object.fromEntries(Object.entries(defined).map(([band, names]) => [band, targets(...names)])),
        targets: targets('cu/fallback'),
      });
    const decide = (cfg: ReturnType<typeof bands>, score: number) => decideRoute(cfg, request(), context({ scoreComplexity: () => score }));

    it("uses the score's band, recording the band as route and the score", async () => {
      const decision = await decide(bands({ 1: ['cu/small'], 3: ['cu/mid'], 5: ['cu/large'] }), 3);
      expect(decision).toMatchObject({ strategy: 'complexity', route: '3', complexity: 3 });
      expect(models(decision)).toEqual(['cu/mid', 'cu/fallback']);
    });

    it('a band without targets uses the nearest lower one', async () => {
      const decision = await decide(bands({ 1: ['cu/small'], 3: ['cu/mid'], 5: ['cu/large'] }), 4);
      expect(decision).toMatchObject({ route: '3', complexity: 4 });
    });

    it('with no lower band, the nearest higher one', async () => {
      const decision = await decide(bands({ 3: ['cu/mid'], 5: ['cu/large'] }), 1);
      expect(decision).toMatchObject({ route: '3', complexity: 1 });
      expect(models(decision)).toEqual(['cu/mid', 'cu/fallback']);
    });
  });

  describe('requests without a config', () => {
    it('directDecision: the one target the model names (model ids may contain slashes)', () => {
      expect(directDecision('or/meta-llama/llama-3.3-70b')).toEqual({
        strategy: 'direct',
        targets: [{ providerKeyName: 'or', model: 'meta-llama/llama-3.3-70b', weight: 1 }],
      });
    });

    it('inlineDecision: the listed models in order, each once', () => {
      expect(models(inlineDecision(['oa/gpt-5', 'an/claude-sonnet-4-5', 'oa/gpt-5']))).toEqual(['oa/gpt-5', 'an/claude-sonnet-4-5']);
      expect(inlineDecision(['oa/gpt-5']).strategy).toBe('inline');
    });

    it('refuses a model that names no target', () => {
      expect(() => directDecision('gpt-5')).toThrow('<provider-key name>/<model id>');
    });
  });
});
