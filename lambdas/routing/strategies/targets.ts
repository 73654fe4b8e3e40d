import { TARGET_MODEL, type TargetSpec } from '../config-schema.js';
import type { RouteTarget } from '../decision.js';

/** `<provider-key name>/<model id>` as a target; the model id may itself contain slashes (`openrouter/meta/llama`). */
export function parseTarget(model: string, weight = 1): RouteTarget {
  const match = TARGET_MODEL.exec(model);
  if (!match) throw new Error('target must have the form "<provider-key name>/<model id>"');
  return { providerKeyName: match[1]!, model: match[2]!, weight };
}

export function parseTargets(specs: readonly TargetSpec[]): RouteTarget[] {
  return specs.map((spec) => parseTarget(spec.model, spec.weight));
}

/** Each provider key and model once, at its first place: a second attempt at the same target would fail alike. */
export function withoutDuplicates(targets: readonly RouteTarget[]): RouteTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.providerKeyName}/${t.model}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
