import { catalogEntry, checkCapabilities, type CatalogEntry } from '../../catalog/index.js';
import type { DecisionContext, RouteTarget, RoutingRequest } from '../decision.js';
import { expectedOutputTokens } from '../request-features.js';

type ProviderOf = DecisionContext['providerOf'];

/** The catalog's entry for a target; undefined when the account has no such provider key or the catalog lacks the model. */
export function targetEntry(target: RouteTarget, providerOf: ProviderOf): CatalogEntry | undefined {
  const provider = providerOf(target.providerKeyName);
  return provider === undefined ? undefined : catalogEntry(provider, target.model);
}

/**
 * Whether a model can take the request by the catalog: every capability it needs, and a context window holding
 * the prompt and the expected answer. A model the catalog does not know can: its upstream decides.
 */
export function canServe(entry: CatalogEntry | undefined, request: RoutingRequest, outputTokens = expectedOutputTokens(request.body)): boolean {
  if (!entry) return true;
  return entry.contextWindow >= request.promptTokens + outputTokens && checkCapabilities(request.needs, entry) === undefined;
}

/**
 * The targets that can serve the request first, those the catalog says cannot after them, each group in its own
 * order. Demoted rather than dropped: the catalog may lag a provider, and when nothing fits, the router's own
 * capability check turns the first target's refusal into the client's 400.
 */
export function demoteUnservable(targets: readonly RouteTarget[], request: RoutingRequest, providerOf: ProviderOf): RouteTarget[] {
  const outputTokens = expectedOutputTokens(request.body);
  const fit: RouteTarget[] = [];
  const unfit: RouteTarget[] = [];
  for (const target of targets) (canServe(targetEntry(target, providerOf), request, outputTokens) ? fit : unfit).push(target);
  return unfit.length === 0 ? fit : [...fit, ...unfit];
}
