import { catalogEntry, checkCapabilities, type CatalogEntry } from '../../catalog/index.js';
import type { ProviderId } from '../../providers/provider-ids.js';
import type { DecisionContext, RouteTarget, RoutingRequest } from '../decision.js';
import { expectedOutputTokens } from '../request-features.js';

type ProviderOf = DecisionContext['providerOf'];

// A catalog lookup tries several snapshot-suffix patterns (about 1 µs); a decision makes one per target, for the
// same few models on every request. The catalog is fixed for the process; the bound keeps odd model ids in check.
// Nested by provider so no key string is built per lookup (a parsed target's model string keeps its hash).
const MAX_REMEMBERED = 1_000;
const remembered = new Map<ProviderId, Map<string, CatalogEntry | null>>();
let rememberedCount = 0;

/** The catalog's entry for a target; undefined when the account has no such provider key or the catalog lacks the model. */
export function targetEntry(target: RouteTarget, providerOf: ProviderOf): CatalogEntry | undefined {
  const provider = providerOf(target.providerKeyName);
  if (provider === undefined) return undefined;
  let models = remembered.get(provider);
  const known = models?.get(target.model);
  if (known !== undefined) return known ?? undefined;
  if (rememberedCount >= MAX_REMEMBERED) {
    remembered.clear();
    rememberedCount = 0;
    models = undefined;
  }
  if (!models) remembered.set(provider, (models = new Map()));
  const entry = catalogEntry(provider, target.model);
  models.set(target.model, entry ?? null);
  rememberedCount++;
  return entry;
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
