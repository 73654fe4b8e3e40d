import { TARGET_MODEL, type TargetSpec } from '../config-schema.js';
import type { RouteTarget } from '../decision.js';

/** `<provider-key name>/<model id>` as a target; the model id may itself contain slashes (`openrouter/meta/llama`). */
export function parseTarget(model: string, weight = 1): RouteTarget {
  const [, providerKeyName, modelId] = TARGET_MODEL.exec(model) ?? [];
  if (providerKeyName === undefined || modelId === undefined) throw new Error('target must have the form "<provider-key name>/<model id>"');
  return { providerKeyName, model: modelId, weight };
}

/** A config's target list, parsed. */
export function parseTargets(specs: readonly TargetSpec[]): RouteTarget[] {
  return specs.map((spec) => parseTarget(spec.model, spec.weight));
}

/** Each provider key and model once, at its first place: a second attempt at the same target would fail alike. */
export function withoutDuplicates(targets: readonly RouteTarget[]): RouteTarget[] {
  // Lists are short (at most 32 targets), so comparing pairs beats building keys for a Set.
  const kept: RouteTarget[] = [];
  for (const target of targets) {
    if (!kept.some((k) => k.providerKeyName === target.providerKeyName && k.model === target.model)) kept.push(target);
  }
  return kept;
}
