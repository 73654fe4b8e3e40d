import { TtlCache } from '../../cache/ttl-cache.js';
import type { RouteTarget } from '../decision.js';
import { SmoothWeightedRoundRobin } from '../smooth-weighted.js';

interface Rotation {
  /** The targets and weights the rotation was made for; a config edit starts a new rotation. */
  readonly signature: string;
  readonly robin: SmoothWeightedRoundRobin;
}

/** Configs whose rotation a container remembers; the least recently used is forgotten first. */
const MAX_ROTATIONS = 10_000;
/** A rotation is started afresh after this long; that costs nothing but a slightly different order. */
const ROTATION_LIFETIME_MS = 60 * 60_000;

// Module-level because a rotation must continue across the requests a container serves and DecisionContext has
// no place for routing state; bounded so memory does not grow with the configs a container has seen.
let rotations = new TtlCache<string, Rotation>({ maxEntries: MAX_ROTATIONS });

/** Forgets every rotation (tests and benchmarks start from a known state). */
export function resetRoutingState(): void {
  rotations = new TtlCache<string, Rotation>({ maxEntries: MAX_ROTATIONS });
}

/**
 * The target the config's rotation (`stateKey`: account and config) chooses this time, then the others by weight,
 * heaviest first, as fallbacks.
 */
export function orderByWeight(targets: readonly RouteTarget[], stateKey: string): RouteTarget[] {
  const signature = signatureOf(targets);
  let rotation = rotations.get(stateKey);
  if (rotation?.signature !== signature) {
    rotation = { signature, robin: new SmoothWeightedRoundRobin(targets.map((t) => t.weight)) };
    rotations.set(stateKey, rotation, ROTATION_LIFETIME_MS);
  }
  const chosen = targets[rotation.robin.next()];
  return [...(chosen ? [chosen] : []), ...targets.filter((t) => t !== chosen).sort((a, b) => b.weight - a.weight)];
}

function signatureOf(targets: readonly RouteTarget[]): string {
  return targets.map((t) => `${t.providerKeyName}/${t.model}*${t.weight}`).join('\n');
}
