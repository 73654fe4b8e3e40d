import { TARGET_MODEL, type TargetSpec } from '../config-schema.js';
import type { RouteTarget } from '../decision.js';

/** `<provider-key name>/<model id>` as a target; the model id may itself contain slashes (`openrouter/meta/llama`). */
export function parseTarget(model: string, weight = 1): RouteTarget {
  const match = TARGET_MODEL.exec(model);
  if (!match) throw new Error('target must have the form "<provider-key name>/<model id>"');
  return { providerKeyName: match[1]!, model: match[2]!, weight };
}

// A config is read from a cache and reused across requests, so each list of its targets is parsed once.
const parsed = new WeakMap<readonly TargetSpec[], readonly RouteTarget[]>();

/** A config's target list, parsed; shared between decisions, so never to be changed. */
export function parseTargets(specs: readonly TargetSpec[]): readonly RouteTarget[] {
  let targets = parsed.get(specs);
  if (!targets) {
    targets = specs.map((spec) => parseTarget(spec.model, spec.weight));
    parsed.set(specs, targets);
  }
  return targets;
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
