import { targetKey, type RouteTarget, type TargetHealthView } from '../decision.js';

/** How often the first place goes to another target, so one that has recovered is measured again. */
export const EXPLORATION_RATE = 0.05;

/**
 * Lowest recent time to first token first. Targets without a recent sample go before all others (listed order
 * among them) so they get measured; with probability EXPLORATION_RATE a random other target takes first place.
 */
export function orderByLatency(targets: readonly RouteTarget[], accountId: string, health: TargetHealthView, random: () => number): RouteTarget[] {
  const ordered = targets
    .map((target) => ({ target, latency: health.latencyMs(targetKey(accountId, target)) ?? -Infinity }))
    .sort((a, b) => a.latency - b.latency)
    .map((m) => m.target);
  if (ordered.length > 1 && random() < EXPLORATION_RATE) {
    ordered.unshift(...ordered.splice(1 + Math.floor(random() * (ordered.length - 1)), 1));
  }
  return ordered;
}
