import { estimateCost, type CatalogEntry } from '../catalog/index.js';
import type { RoutingConfig, TargetSpec } from './config-schema.js';
import type { DecisionContext, RoutingRequest } from './decision.js';
import { canServe, targetEntry } from './strategies/catalog-fit.js';
import { parseTarget } from './strategies/targets.js';

/** Every target a config names (its classifier's model is not a target), with the path of its field. */
export function configTargets(config: RoutingConfig): { path: string; model: string }[] {
  const out: { path: string; model: string }[] = [];
  const add = (path: string, targets: readonly TargetSpec[] | undefined) =>
    targets?.forEach((t, i) => out.push({ path: `${path}.${i}.model`, model: t.model }));
  add('targets', config.targets);
  for (const [role, targets] of Object.entries(config.roles ?? {})) add(`roles.${role}`, targets);
  for (const [band, targets] of Object.entries(config.bands ?? {})) add(`bands.${band}`, targets);
  config.variants?.forEach((v, i) => add(`variants.${i}.targets`, v.targets));
  config.rules?.forEach((r, i) => add(`rules.${i}.targets`, r.targets));
  return out;
}

/**
 * The catalog entries of the config's eligible targets for this request: every target of the config (whatever role,
 * band, variant or rule it sits under) that the catalog prices and that can serve the request (capabilities and
 * context window). The reference cost is the highest of their costs for the request's actual usage.
 */
export function referenceEntries(config: RoutingConfig, request: RoutingRequest, providerOf: DecisionContext['providerOf']): CatalogEntry[] {
  const entries = new Map<string, CatalogEntry>();
  for (const { model } of configTargets(config)) {
    const entry = targetEntry(parseTarget(model), providerOf);
    if (entry && canServe(entry, request)) entries.set(model, entry);
  }
  return [...entries.values()];
}

/** What the usage would have cost on the most expensive of `entries`; undefined when none is priced. */
export function referenceCost(usage: Parameters<typeof estimateCost>[0], entries: readonly CatalogEntry[]): number | undefined {
  let highest: number | undefined;
  for (const entry of entries) {
    const cost = estimateCost(usage, entry);
    if (cost !== undefined && (highest === undefined || cost > highest)) highest = cost;
  }
  return highest;
}
