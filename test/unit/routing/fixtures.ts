import { requiredCapabilities } from '../../../lambdas/catalog/index.js';
import type { ProviderId } from '../../../lambdas/provider-ids.js';
import { routingConfigSchema, type RoleDefinition, type RoutingConfig, type RoutingConfigInput } from '../../../lambdas/routing/config-schema.js';
import type { DecisionContext, RouteDecision, RoutingRequest } from '../../../lambdas/routing/decision.js';

/** Provider keys of the test account, by name. */
export const PROVIDER_KEYS: Readonly<Record<string, ProviderId>> = { oa: 'openai', an: 'anthropic', gq: 'groq', ds: 'deepseek', gg: 'google', cu: 'custom' };

/** A config as the management API would store it: validated, defaults filled in. */
export function config(input: RoutingConfigInput): RoutingConfig {
  return routingConfigSchema.parse(input);
}

/** A request whose needs are read from its body, as the router reads them. */
export function request(overrides: Partial<RoutingRequest> = {}): RoutingRequest {
  const body = overrides.body ?? { messages: [{ role: 'user', content: 'Hello there' }] };
  return { body, model: 'roukey/test', promptTokens: 20, needs: requiredCapabilities(body), metadata: {}, stickyId: 'user-1', ...overrides };
}

export function role(name: string, systemPrompt?: string): RoleDefinition {
  return { name, description: `${name} role`, examples: [], keywords: [], ...(systemPrompt === undefined ? {} : { systemPrompt }) };
}

let roleSets = 0;

/** A decision context; `roles` as a plain list, made a role set of its own. */
export function context({ roles = [], ...overrides }: Partial<Omit<DecisionContext, 'roles'>> & { roles?: readonly RoleDefinition[] } = {}): DecisionContext {
  return {
    accountId: 'acct-1',
    roles: { key: `fixture-${++roleSets}`, roles },
    providerOf: (name) => PROVIDER_KEYS[name],
    health: { latencyMs: () => undefined },
    classify: () => {
      throw new Error('classify not expected');
    },
    defaultMinConfidence: 0.5,
    scoreComplexity: () => {
      throw new Error('scoreComplexity not expected');
    },
    random: () => 0.99,
    ...overrides,
  };
}

/** The decision's targets as `<provider-key name>/<model>`, in order. */
export function models(decision: RouteDecision): string[] {
  return decision.targets.map((t) => `${t.providerKeyName}/${t.model}`);
}
