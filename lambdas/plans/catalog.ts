import { z } from 'zod';
import { STRATEGIES } from '../routing/config-schema.js';

/**
 * The plan catalog (P15): the one place plans and their limits are written. The operator overrides any of it in
 * cdk.json (`roukey:plans`, validated at synth; `npm start` reads the same file), an admin overrides any limit
 * for one account (how Enterprise is sold), and billing only ever sets an account's plan.
 */
export const PLAN_IDS = ['free', 'starter', 'professional', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

const positive = (max: number) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .positive({ error: 'must be a positive integer' })
    .max(max, { error: `must be at most ${max}` });
const flag = z.boolean({ error: 'must be true or false' });

/**
 * Every limit by the name the API, the admin overrides and `roukey:plans` use. The maxima bound what any plan can
 * grant, so an override cannot make a request or a listing unbounded.
 */
export const planLimitsSchema = z.strictObject({
  /** Requests per minute through one API key, across every container. */
  requestsPerMinutePerKey: positive(1_000_000),
  /** Requests per calendar month (UTC) through all of the account's keys. */
  requestsPerMonth: positive(1_000_000_000),
  /** Tokens (prompt + completion) per calendar month (UTC); null for no token limit. */
  tokensPerMonth: positive(1_000_000_000_000).nullable(),
  apiKeys: positive(1_000),
  providerKeys: positive(200),
  configs: positive(1_000),
  customRoles: positive(200),
  /** The routing strategies the account's configs may use. */
  strategies: z.array(z.enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` }), { error: 'must be a list of strategies' }),
  /** Whether provider keys may name their own `baseUrl` (custom servers, Azure resources, proxies). */
  customBaseUrls: flag,
  /** Whether the account may add Bedrock keys (billed to the deployment's own AWS account). */
  bedrock: flag,
  /** How far back usage analytics reach. */
  analyticsDays: positive(730),
});
export type PlanLimits = z.infer<typeof planLimitsSchema>;
export type PlanLimitName = keyof PlanLimits;
export const PLAN_LIMIT_NAMES = Object.keys(planLimitsSchema.shape) as PlanLimitName[];

/** Any subset of the limits: an operator's change to a plan, or an admin's to one account. */
export const limitOverridesSchema = planLimitsSchema.partial();
export type LimitOverrides = z.infer<typeof limitOverridesSchema>;

/** `roukey:plans`: per plan, the limits the operator changes. */
export const planOverridesSchema = z.strictObject(
  Object.fromEntries(PLAN_IDS.map((id) => [id, limitOverridesSchema.optional()])) as Record<PlanId, z.ZodOptional<typeof limitOverridesSchema>>,
);
export type PlanOverrides = z.infer<typeof planOverridesSchema>;

export const planIdSchema = z.enum(PLAN_IDS, { error: `must be one of: ${PLAN_IDS.join(', ')}` });

const ALL_STRATEGIES = [...STRATEGIES];

/** What a new deployment ships: a free tier to try RouKey, and paid tiers sized for a team, a company, a contract. */
export const DEFAULT_PLANS: Readonly<Record<PlanId, PlanLimits>> = {
  free: {
    requestsPerMinutePerKey: 60,
    requestsPerMonth: 10_000,
    tokensPerMonth: 5_000_000,
    apiKeys: 3,
    providerKeys: 3,
    configs: 3,
    customRoles: 3,
    strategies: ['fallback', 'weighted', 'cost', 'latency'],
    customBaseUrls: false,
    bedrock: false,
    analyticsDays: 7,
  },
  starter: {
    requestsPerMinutePerKey: 300,
    requestsPerMonth: 250_000,
    tokensPerMonth: null,
    apiKeys: 10,
    providerKeys: 10,
    configs: 20,
    customRoles: 10,
    strategies: ALL_STRATEGIES,
    customBaseUrls: true,
    bedrock: false,
    analyticsDays: 30,
  },
  professional: {
    requestsPerMinutePerKey: 1_200,
    requestsPerMonth: 2_500_000,
    tokensPerMonth: null,
    apiKeys: 50,
    providerKeys: 30,
    configs: 100,
    customRoles: 50,
    strategies: ALL_STRATEGIES,
    customBaseUrls: true,
    bedrock: true,
    analyticsDays: 90,
  },
  enterprise: {
    requestsPerMinutePerKey: 6_000,
    requestsPerMonth: 25_000_000,
    tokensPerMonth: null,
    apiKeys: 500,
    providerKeys: 100,
    configs: 500,
    customRoles: 200,
    strategies: ALL_STRATEGIES,
    customBaseUrls: true,
    bedrock: true,
    analyticsDays: 730,
  },
};

/** How billing treats plans (issue 19): a paid plan holds this long after a failed payment, then the default plan applies. */
export const BILLING_TERMS = { paymentGraceDays: 7 } as const;

export interface PlanCatalog {
  /** The plan new accounts get (`roukey:defaultPlan`). */
  readonly defaultPlan: PlanId;
  readonly plans: Readonly<Record<PlanId, PlanLimits>>;
}

/** The deployment's catalog: the defaults with the operator's overrides applied (both already validated). */
export function planCatalog(overrides: PlanOverrides = {}, defaultPlan: PlanId = 'free'): PlanCatalog {
  const plans = Object.fromEntries(PLAN_IDS.map((id) => [id, { ...DEFAULT_PLANS[id], ...definedOnly(overrides[id] ?? {}) }])) as Record<PlanId, PlanLimits>;
  return { defaultPlan, plans };
}

/** One account's limits: its plan's, with what an admin set for that account on top. */
export function effectiveLimits(catalog: PlanCatalog, plan: PlanId, accountOverrides: LimitOverrides = {}): PlanLimits {
  return { ...catalog.plans[plan], ...definedOnly(accountOverrides) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The environment variables that carry the operator's catalog changes to every Lambda (lambdas/runtime-config.ts). */
export function planEnvironment(overrides: PlanOverrides, defaultPlan: PlanId): { ROUKEY_PLANS: string; ROUKEY_DEFAULT_PLAN: PlanId } {
  return { ROUKEY_PLANS: JSON.stringify(overrides), ROUKEY_DEFAULT_PLAN: defaultPlan };
}
