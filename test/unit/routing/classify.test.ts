import {
  BUILTIN_ROLE_SET,
  BUILTIN_ROLES,
  belowThreshold,
  classifyLocal,
  DEFAULT_MIN_CONFIDENCE,
  isBuiltinRole,
} from '../../../lambdas/routing/classify/index.js';
import { roleModel } from '../../../lambdas/routing/classify/role-model.js';
import { BUILTIN_ROLE_NAMES, roleBodySchema, type RoleDefinition } from '../../../lambdas/routing/config-schema.js';
import type { RoleSet, RoutingRequest } from '../../../lambdas/routing/decision.js';
import { newCanary } from '../../support/canary.js';
import { confusion, roleHoldout, rolePrompts, routingRequest, type RolePrompt } from '../../fixtures/roles/labelled-sets.js';

const evaluate = (prompts: readonly RolePrompt[], roles: RoleSet = BUILTIN_ROLE_SET) =>
  confusion(
    BUILTIN_ROLE_NAMES,
    prompts.map((p) => [p.role, classifyLocal(routingRequest(p), roles).role] as const),
  );

const withMessages = (messages: unknown[]): RoutingRequest => ({ ...routingRequest({ text: '' }), body: { model: 'roukey/test', messages } });
const classify = (text: string, roles: RoleSet = BUILTIN_ROLE_SET) => classifyLocal(routingRequest({ text }), roles);
/** Roles as a set of their own: a key no other test uses, as the routing store gives each load. */
let sets = 0;
const roleSet = (roles: readonly RoleDefinition[]): RoleSet => ({ key: `test-${++sets}`, roles });

describe('built-in roles', () => {
  it('are the eight names of the contract, each valid as a role body with 10-25 examples and keywords', () => {
    expect(BUILTIN_ROLES.map((r) => r.name)).toEqual([...BUILTIN_ROLE_NAMES]);
    for (const role of BUILTIN_ROLES) {
      const { name, ...body } = role;
      expect(roleBodySchema.parse(body)).toEqual(body);
      expect(role.examples.length).toBeGreaterThanOrEqual(10);
      expect(role.examples.length).toBeLessThanOrEqual(25);
      expect(role.keywords.length).toBeGreaterThan(0);
      expect(isBuiltinRole(name)).toBe(true);
    }
    expect(isBuiltinRole('legal')).toBe(false);
  });
});

describe('labelled role prompts', () => {
  const prompts = rolePrompts();

  it('hold at least 320 prompts, at least 40 per built-in role, and only built-in roles', () => {
    expect(prompts.length).toBeGreaterThanOrEqual(320);
    for (const role of BUILTIN_ROLE_NAMES) expect(prompts.filter((p) => p.role === role).length).toBeGreaterThanOrEqual(40);
    expect(prompts.every((p) => isBuiltinRole(p.role))).toBe(true);
  });

  it("are not the roles' own examples (neither set contains a built-in example, case-insensitively)", () => {
    const examples = new Set(BUILTIN_ROLES.flatMap((r) => r.examples.map((e) => e.trim().toLowerCase())));
    const copied = [...prompts, ...roleHoldout()].filter((p) => examples.has(p.text.trim().toLowerCase()));
    expect(copied).toEqual([]);
  });
});

describe('classifyLocal', () => {
  it('puts at least 85% of the labelled prompts in the right role, and at least 60% of each role', () => {
    const result = evaluate(rolePrompts());
    expect(result.accuracy).toBeGreaterThanOrEqual(0.85);
    for (const role of BUILTIN_ROLE_NAMES) expect(result.recall.get(role)).toBeGreaterThanOrEqual(0.6);
  });

  it('generalises: at least 80% on the hold-out prompts it was never tuned on', () => {
    expect(evaluate(roleHoldout()).accuracy).toBeGreaterThanOrEqual(0.8);
  });

  it('answers method local with a confidence in [0, 1] for every labelled prompt', () => {
    for (const prompt of rolePrompts()) {
      const { confidence, method } = classifyLocal(routingRequest(prompt), BUILTIN_ROLE_SET);
      expect(method).toBe('local');
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
    }
  });

  it('is unsure of gibberish and of an empty turn (below the default threshold), sure of a plain request', () => {
    for (const text of ['qzxv blorpt frangle wub', '', '%%% ###']) expect(belowThreshold(classify(text).confidence)).toBe(true);
    expect(classify('Translate into German: "The train leaves at noon."')).toMatchObject({ role: 'translation' });
    expect(classify('Translate into German: "The train leaves at noon."').confidence).toBeGreaterThan(0.8);
  });

  it("reads the last user turn, not earlier turns or the assistant's", () => {
    const request = withMessages([
      { role: 'user', content: 'Translate "good night" into French.' },
      { role: 'assistant', content: 'Bonne nuit. Would you like me to translate anything else into French?' },
      { role: 'user', content: 'Now write a Python function that reverses a linked list.' },
    ]);
    expect(classifyLocal(request, BUILTIN_ROLE_SET).role).toBe('coding');
  });

  it('reads text parts and ignores images', () => {
    const request = withMessages([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'text', text: 'Solve for x: 4x + 2 = 18' },
        ],
      },
    ]);
    expect(classifyLocal(request, BUILTIN_ROLE_SET).role).toBe('math');
  });

  it('reads the system prompt too, as context', () => {
    const ambiguous = 'Can you help me with this?\n\nThe committee met on Tuesday and agreed the budget.';
    const asRole = (system: string) =>
      classifyLocal(
        withMessages([
          { role: 'system', content: system },
          { role: 'user', content: ambiguous },
        ]),
        BUILTIN_ROLE_SET,
      ).role;
    expect(asRole('You summarize documents into short summaries and key points.')).toBe('summarization');
    expect(asRole('You translate every message into Spanish.')).toBe('translation');
  });

  it('routes to a custom role learned from its description, examples and keywords', () => {
    const legal: RoleDefinition = {
      name: 'legal',
      description: 'Legal questions: contracts, clauses, liability, compliance, leases and terms of service.',
      examples: [
        'Is a non-compete clause enforceable in California?',
        'Review this NDA and flag any unusual indemnification terms.',
        'What are my rights if my landlord keeps my deposit?',
        'Explain the difference between a warranty and an indemnity in a supply contract.',
        'Can my employer change my contract without my consent?',
      ],
      keywords: ['legal', 'law', 'lawyer', 'contract', 'clause', 'liability', 'indemnity', 'enforceable', 'lawsuit', 'gdpr', 'tenant rights'],
    };
    const roles = roleSet([...BUILTIN_ROLES, legal]);
    for (const text of [
      'Is a verbal agreement legally binding in the UK?',
      'Can my landlord keep my deposit if the lease says nothing about cleaning?',
      'What does a limitation of liability clause usually cover, and is it enforceable?',
    ]) {
      expect(classify(text, roles).role).toBe('legal');
    }
    // The built-in roles still answer what is theirs.
    expect(classify('Write a haiku about autumn leaves.', roles).role).toBe('writing');
  });

  it('learns a role named by its words only, with no built-in name hard-coded', () => {
    const roles = roleSet([
      {
        name: 'cooking',
        description: 'Recipes, ingredients and kitchen techniques.',
        examples: ['How long do I roast a chicken?'],
        keywords: ['recipe', 'bake', 'oven'],
      },
      {
        name: 'gardening',
        description: 'Plants, soil, pruning and garden pests.',
        examples: ['When should I prune roses?'],
        keywords: ['plant', 'soil', 'seeds'],
      },
    ]);
    expect(classify('What oven temperature for baking sourdough?', roles).role).toBe('cooking');
    expect(classify('My tomato plants have yellow leaves, is the soil too wet?', roles).role).toBe('gardening');
  });

  it("follows an account's override of a built-in role", () => {
    const text = 'Convert this recipe to metric units: 2 cups flour, 1 stick butter, 350°F.';
    const before = classify(text).role;
    const roles = roleSet(
      BUILTIN_ROLES.map((role) =>
        role.name === 'translation'
          ? {
              ...role,
              description: 'Converting units, currencies and measurements; translating text.',
              keywords: [...role.keywords, 'convert', 'metric', 'units', 'imperial'],
              examples: [...role.examples, 'Convert 5 miles to kilometres.'],
            }
          : role,
      ),
    );
    expect(before).not.toBe('translation');
    expect(classify(text, roles).role).toBe('translation');
  });

  it('learns a role set once per key: the same key reuses the model, a new key (roles read again) learns anew', () => {
    const roles = roleSet(BUILTIN_ROLES);
    expect(roleModel(roles)).toBe(roleModel({ key: roles.key, roles: [...BUILTIN_ROLES] }));
    expect(roleModel(roleSet(BUILTIN_ROLES))).not.toBe(roleModel(roles));
  });

  it('needs at least one role', () => {
    expect(() => classify('hello', roleSet([]))).toThrow('at least one role');
  });

  it('P1: keeps nothing of the prompt: the answer is role, confidence and method, and the learned model is unchanged', () => {
    const canary = newCanary();
    const roles = roleSet(BUILTIN_ROLES);
    const model = roleModel(roles);
    const features = [...model.logLikelihood.keys()];
    const result = classifyLocal(
      withMessages([
        { role: 'system', content: `Be brief. ${canary}` },
        { role: 'user', content: `Summarize this: ${canary} ${canary}` },
      ]),
      roles,
    );
    expect(Object.keys(result).sort()).toEqual(['confidence', 'method', 'role']);
    expect(JSON.stringify(result)).not.toContain(canary);
    expect(roleModel(roles)).toBe(model);
    expect([...model.logLikelihood.keys()]).toEqual(features);
  });
});

describe('belowThreshold', () => {
  it("compares with the config's minConfidence, else the default", () => {
    expect(belowThreshold(DEFAULT_MIN_CONFIDENCE - 0.01)).toBe(true);
    expect(belowThreshold(DEFAULT_MIN_CONFIDENCE)).toBe(false);
    expect(belowThreshold(0.5, 0.6)).toBe(true);
    expect(belowThreshold(0.7, 0.6)).toBe(false);
    expect(belowThreshold(0, 0)).toBe(false);
  });
});
