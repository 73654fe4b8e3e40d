import type { DecisionContext, RouteTarget, RoutingRequest } from '../decision.js';
import { expectedOutputTokens } from '../request-features.js';
import { canServe, targetEntry } from './catalog-fit.js';

/**
 * Cheapest first by the catalog's prices for the request's estimated prompt and expected output. Targets the
 * catalog says cannot serve the request are dropped; targets it cannot price (unknown model or provider key)
 * follow the priced ones in listed order. When every target is dropped, all come back in listed order, so the
 * router answers the first one's capability refusal as the client's 400.
 */
export function orderByCost(targets: readonly RouteTarget[], request: RoutingRequest, providerOf: DecisionContext['providerOf']): RouteTarget[] {
  const outputTokens = expectedOutputTokens(request.body);
  const priced: { target: RouteTarget; cost: number }[] = [];
  const unpriced: RouteTarget[] = [];
  for (const target of targets) {
    const entry = targetEntry(target, providerOf);
    if (!entry) unpriced.push(target);
    // Prices are per million tokens; the common factor does not change the order.
    else if (canServe(entry, request, outputTokens))
      priced.push({ target, cost: request.promptTokens * entry.prices.input + outputTokens * entry.prices.output });
  }
  if (priced.length === 0 && unpriced.length === 0) return [...targets];
  priced.sort((a, b) => a.cost - b.cost);
  return [...priced.map((p) => p.target), ...unpriced];
}
