import type { RoutingConfig, Strategy } from './config-schema.js';
import type { Classification, DecisionContext, RouteDecision, RouteTarget, RoutingRequest } from './decision.js';
import { matchRule } from './rules.js';
import { stickyBucket, variantForBucket } from './strategies/ab.js';
import { demoteUnservable } from './strategies/catalog-fit.js';
import { bandFor } from './strategies/complexity.js';
import { orderByCost } from './strategies/cost.js';
import { orderByLatency } from './strategies/latency.js';
import { offeredRoles, settleRole } from './strategies/role.js';
import { parseTarget, parseTargets, withoutDuplicates } from './strategies/targets.js';
import { orderByWeight } from './strategies/weighted.js';

export { resetRoutingState } from './strategies/weighted.js';

/** What a strategy or rule chose, before the config's last-resort targets, de-duplication and demotion. */
type Choice = Omit<RouteDecision, 'strategy' | 'configName' | 'targets'> & { readonly targets: readonly RouteTarget[] };

/** Strategies that choose a group of targets; the config's top-level targets follow the group as a last resort. */
const GROUP_STRATEGIES: ReadonlySet<Strategy> = new Set(['role', 'complexity', 'ab']);

/**
 * The ordered targets for a request under a config: the first matching rule's targets (route = its name or
 * `rule-<n>`), else the strategy's choice. Each target appears once, and those the catalog says cannot serve
 * the request go behind those that can (the cost strategy drops them instead; see strategies/cost.ts).
 */
export async function decideRoute(config: RoutingConfig, request: RoutingRequest, ctx: DecisionContext): Promise<RouteDecision> {
  const matched = config.rules === undefined ? undefined : matchRule(config.rules, request);
  if (matched) {
    return decision(config, request, ctx, { route: matched.rule.name ?? `rule-${matched.index + 1}`, targets: parseTargets(matched.rule.targets) }, true);
  }
  return decision(config, request, ctx, await strategyChoice(config, request, ctx));
}

/** A single target named by the request's `model` (`<provider-key name>/<model id>`). */
export function directDecision(model: string): RouteDecision {
  return { strategy: 'direct', targets: [parseTarget(model)] };
}

/** The request's own fallback list (`models: [...]`), in its order. */
export function inlineDecision(models: readonly string[]): RouteDecision {
  return { strategy: 'inline', targets: withoutDuplicates(models.map((model) => parseTarget(model))) };
}

/** A rule's targets are exactly the ones it lists; a group strategy's choice is followed by the config's targets. */
function decision(config: RoutingConfig, request: RoutingRequest, ctx: DecisionContext, choice: Choice, byRule = false): RouteDecision {
  const lastResort = !byRule && GROUP_STRATEGIES.has(config.strategy) ? config.targets : undefined;
  const listed = lastResort ? [...choice.targets, ...parseTargets(lastResort)] : choice.targets;
  const targets = demoteUnservable(withoutDuplicates(listed), request, ctx.providerOf);
  // Copied field by field rather than spread: the choice's shape varies by strategy, and V8 clones such objects slowly.
  const { route, classification, complexity, systemPrompt } = choice;
  return { strategy: config.strategy, configName: config.name, route, classification, complexity, systemPrompt, targets };
}

async function strategyChoice(config: RoutingConfig, request: RoutingRequest, ctx: DecisionContext): Promise<Choice> {
  switch (config.strategy) {
    case 'fallback':
      return { targets: ownTargets(config) };
    case 'weighted':
      return { targets: orderByWeight(ownTargets(config), `${ctx.accountId}/${config.name}`) };
    case 'cost':
      return { targets: orderByCost(ownTargets(config), request, ctx.providerOf) };
    case 'latency':
      return { targets: orderByLatency(ownTargets(config), ctx.accountId, ctx.health, ctx.random) };
    case 'role':
      return roleChoice(config, request, ctx);
    case 'complexity': {
      const bands = required(config, 'bands');
      const complexity = ctx.scoreComplexity(request);
      const band = bandFor(bands, complexity);
      if (band === undefined) throw new Error(`config ${config.name} has no complexity bands`);
      return { route: band, complexity, targets: parseTargets(bands[band] ?? []) };
    }
    case 'ab': {
      const variant = variantForBucket(required(config, 'variants'), stickyBucket(config.name, request.stickyId));
      return { route: variant.name, targets: parseTargets(variant.targets) };
    }
  }
}

async function roleChoice(config: RoutingConfig, request: RoutingRequest, ctx: DecisionContext): Promise<Choice> {
  const mapped = required(config, 'roles');
  const defaultRole = required(config, 'defaultRole');
  const offered = offeredRoles(ctx.roles, mapped);
  // Nothing to choose between: the classifier is not asked, and the default role answers with no confidence.
  if (offered.roles.length === 0) return roleRoute(config, ctx, { role: defaultRole, confidence: 0, method: 'default' });
  return roleRoute(config, ctx, await ctx.classify(request, offered));
}

function roleRoute(config: RoutingConfig, ctx: DecisionContext, measured: Classification): Choice {
  const mapped = required(config, 'roles');
  const minConfidence = config.classifier?.minConfidence ?? ctx.defaultMinConfidence;
  const classification = settleRole(measured, mapped, required(config, 'defaultRole'), minConfidence);
  const systemPrompt = ctx.roles.roles.find((role) => role.name === classification.role)?.systemPrompt;
  return { route: classification.role, classification, systemPrompt, targets: parseTargets(mapped[classification.role] ?? []) };
}

function ownTargets(config: RoutingConfig): readonly RouteTarget[] {
  return parseTargets(required(config, 'targets'));
}

/** A field the config schema requires for the config's strategy; missing only if a stored config bypassed it. */
function required<K extends 'targets' | 'roles' | 'defaultRole' | 'bands' | 'variants'>(config: RoutingConfig, field: K): NonNullable<RoutingConfig[K]> {
  const value = config[field];
  if (value === undefined) throw new Error(`config ${config.name} has no ${field} for strategy ${config.strategy}`);
  return value;
}
