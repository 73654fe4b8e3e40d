import { pathToFileURL } from 'node:url';
import { requiredCapabilities } from '../lambdas/catalog/index.js';
import type { ProviderId } from '../lambdas/provider-ids.js';
import { BUILTIN_ROLE_SET, classifyLocal, DEFAULT_MIN_CONFIDENCE, scoreComplexity } from '../lambdas/routing/classify/index.js';
import { routingConfigSchema, type RoutingConfigInput } from '../lambdas/routing/config-schema.js';
import { decideRoute, resetRoutingState } from '../lambdas/routing/decide-route.js';
import { targetKey, type DecisionContext, type RoutingRequest } from '../lambdas/routing/decision.js';
import { TargetHealth } from '../lambdas/routing/target-health.js';
import { percentile } from './load.js';

/**
 * The routing decision's own cost per strategy (`npx tsx bench/routing.ts`): decideRoute over realistic configs
 * of 3-6 catalog targets and a request of a few messages. Classification and complexity scoring are stubbed
 * (constant answers) for the decision's own cost, then included for what a request pays.
 */
const WARMUP = 2_000;
const DECISIONS = 20_000;
export const DECISION_TARGET_US = 50;
/** The bound on local classification (≤ 1 ms at p99), added to the decision's own for the rows that include it. */
const CLASSIFICATION_TARGET_US = 1_000;

export interface RoutingTiming {
  readonly medianUs: number;
  readonly p99Us: number;
  /** The p99 bound this row is held to. */
  readonly targetUs: number;
}

const PROVIDER_KEYS: Readonly<Record<string, ProviderId>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  groq: 'groq',
  deepseek: 'deepseek',
  mistral: 'mistral',
};
const t = (...models: string[]) => models.map((model) => ({ model }));
const SIX = t(
  'openai/gpt-5',
  'anthropic/claude-sonnet-4-5',
  'google/gemini-2.5-flash',
  'openai/gpt-5-mini',
  'groq/llama-3.3-70b-versatile',
  'deepseek/deepseek-chat',
);

const CONFIGS: Record<string, RoutingConfigInput> = {
  fallback: { name: 'fallback', strategy: 'fallback', targets: t('openai/gpt-5', 'anthropic/claude-sonnet-4-5', 'google/gemini-2.5-pro') },
  weighted: {
    name: 'weighted',
    strategy: 'weighted',
    targets: [
      { model: 'openai/gpt-5-mini', weight: 5 },
      { model: 'anthropic/claude-haiku-4-5', weight: 3 },
      { model: 'google/gemini-2.5-flash', weight: 2 },
      { model: 'mistral/mistral-small-2506', weight: 1 },
    ],
  },
  cost: { name: 'cost', strategy: 'cost', targets: SIX },
  latency: { name: 'latency', strategy: 'latency', targets: SIX.slice(0, 5) },
  role: {
    name: 'role',
    strategy: 'role',
    defaultRole: 'chat',
    roles: {
      coding: t('anthropic/claude-sonnet-4-5', 'openai/gpt-5'),
      chat: t('openai/gpt-5-mini', 'google/gemini-2.5-flash'),
      math: t('openai/o3', 'google/gemini-2.5-pro'),
    },
    targets: t('openai/gpt-5-mini'),
  },
  complexity: {
    name: 'complexity',
    strategy: 'complexity',
    bands: {
      1: t('openai/gpt-5-nano', 'groq/llama-3.1-8b-instant'),
      3: t('openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'),
      5: t('openai/gpt-5', 'anthropic/claude-opus-4-5'),
    },
    targets: t('google/gemini-2.5-flash'),
  },
  ab: {
    name: 'ab',
    strategy: 'ab',
    variants: [
      { name: 'control', percent: 80, targets: t('openai/gpt-5', 'anthropic/claude-sonnet-4-5') },
      { name: 'candidate', percent: 20, targets: t('anthropic/claude-sonnet-5', 'openai/gpt-5') },
    ],
    targets: t('google/gemini-2.5-flash'),
  },
  'rules (5, last matches)': {
    name: 'rules',
    strategy: 'fallback',
    targets: SIX.slice(0, 4),
    rules: [
      { when: { model: ['gpt-4*', 'o1*'] }, targets: t('openai/gpt-4.1') },
      { when: { metadata: { tier: ['gold', 'platinum'] } }, targets: t('anthropic/claude-opus-4-5', 'openai/gpt-5') },
      { when: { tools: true, maxPromptTokens: 500 }, targets: t('openai/gpt-5-mini') },
      { when: { minPromptTokens: 50_000 }, targets: t('google/gemini-2.5-pro') },
      {
        name: 'support',
        when: { metadata: { team: 'support' }, maxPromptTokens: 8_000 },
        targets: t('anthropic/claude-haiku-4-5', 'openai/gpt-5-mini', 'groq/llama-3.3-70b-versatile'),
      },
    ],
  },
};

function benchRequest(stickyId: string): RoutingRequest {
  const body = {
    model: 'roukey/bench',
    messages: [
      { role: 'system', content: 'You are a helpful assistant for an online bookshop. Answer briefly.' },
      { role: 'user', content: 'Do you have the second volume of the series I ordered last month?' },
      { role: 'assistant', content: 'Yes, it is in stock and ships within two days.' },
      { role: 'user', content: 'Great. Can you compare its price with the e-book edition, and tell me which is cheaper?' },
    ],
    max_tokens: 400,
  };
  return { body, model: 'roukey/bench', promptTokens: 96, needs: requiredCapabilities(body), metadata: { team: 'support', region: 'eu' }, stickyId };
}

function benchContext(): DecisionContext {
  const health = new TargetHealth();
  CONFIGS.latency!.targets!.forEach((target, i) => {
    const [providerKeyName, ...model] = target.model.split('/');
    health.succeeded(targetKey('acct-bench', { providerKeyName: providerKeyName!, model: model.join('/') }), 200 + 90 * i);
  });
  return {
    accountId: 'acct-bench',
    roles: {
      key: 'bench',
      roles: ['coding', 'writing', 'reasoning', 'math', 'translation', 'summarization', 'extraction', 'chat'].map((name) => ({
        name,
        description: name,
        examples: [],
        keywords: [],
      })),
    },
    providerOf: (name) => PROVIDER_KEYS[name],
    health,
    classify: (_request, { roles }) => ({ role: roles[0]!.name, confidence: 0.8, method: 'local' }),
    defaultMinConfidence: 0.5,
    scoreComplexity: () => 4,
    random: Math.random,
  };
}

/** The same context with the real local classifier, built-in roles and complexity scorer, for the end-to-end rows. */
function realClassifiersContext(): DecisionContext {
  return { ...benchContext(), roles: BUILTIN_ROLE_SET, classify: classifyLocal, defaultMinConfidence: DEFAULT_MIN_CONFIDENCE, scoreComplexity };
}

/**
 * Median and p99 of one decideRoute call, per strategy, in microseconds; role and complexity once more with the
 * real classifier and scorer included, as a request pays for them.
 */
export async function benchRouting(): Promise<Record<string, RoutingTiming>> {
  resetRoutingState();
  const stubbed = benchContext();
  const real = realClassifiersContext();
  const runs: [string, RoutingConfigInput, DecisionContext, number][] = [
    ...Object.entries(CONFIGS).map(([label, input]) => [label, input, stubbed, DECISION_TARGET_US] as [string, RoutingConfigInput, DecisionContext, number]),
    ['role, with the local classifier', CONFIGS.role!, real, DECISION_TARGET_US + CLASSIFICATION_TARGET_US],
    ['complexity, with the scorer', CONFIGS.complexity!, real, DECISION_TARGET_US + CLASSIFICATION_TARGET_US],
  ];
  // A/B sees a different end user on every request; the other strategies ignore the id.
  const requests = Array.from({ length: 1_000 }, (_, i) => benchRequest(`user-${i}`));
  const results: Record<string, RoutingTiming> = {};
  for (const [label, input, ctx, targetUs] of runs) {
    const config = routingConfigSchema.parse(input);
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + DECISIONS; i++) {
      const request = requests[i % requests.length]!;
      const started = process.hrtime.bigint();
      await decideRoute(config, request, ctx);
      if (i >= WARMUP) samples.push(Number(process.hrtime.bigint() - started) / 1e3);
    }
    results[label] = { medianUs: percentile(samples, 50), p99Us: percentile(samples, 99), targetUs };
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchRouting();
  console.log(`\nRouKey routing decision — node ${process.version}; ${DECISIONS} decisions per strategy after ${WARMUP} warm-up\n`);
  const rows = [['strategy', 'median', 'p99', 'target (p99)']];
  for (const [label, r] of Object.entries(results))
    rows.push([label, `${r.medianUs.toFixed(1)} µs`, `${r.p99Us.toFixed(1)} µs`, `≤ ${r.targetUs} µs ${r.p99Us <= r.targetUs ? 'met' : 'MISSED'}`]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}
