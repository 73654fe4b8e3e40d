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
/** An idle config's rotation is forgotten; starting it afresh costs nothing but a slightly different order. */
const ROTATION_IDLE_MS = 60 * 60_000;

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
  const signature = targets.map((t) => `${t.providerKeyName}/${t.model}*${t.weight}`).join('\n');
  let rotation = rotations.get(stateKey);
  if (rotation?.signature !== signature) {
    rotation = { signature, robin: new SmoothWeightedRoundRobin(targets.map((t) => t.weight)) };
  }
  // Set on every use so the idle lifetime counts from the last request, not the first.
  rotations.set(stateKey, rotation, ROTATION_IDLE_MS);
  const chosen = targets[rotation.robin.next()]!;
  return [chosen, ...targets.filter((t) => t !== chosen).sort((a, b) => b.weight - a.weight)];
}
