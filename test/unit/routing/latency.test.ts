import { decideRoute } from '../../../lambdas/routing/decide-route.js';
import { targetKey } from '../../../lambdas/routing/decision.js';
import { EXPLORATION_RATE } from '../../../lambdas/routing/strategies/latency.js';
import { TargetHealth } from '../../../lambdas/routing/target-health.js';
import { config, context, models, request } from './fixtures.js';

const latencyConfig = config({ name: 'fast', strategy: 'latency', targets: ['cu/a', 'cu/b', 'cu/c', 'cu/d'].map((model) => ({ model })) });

/** Fake health: time to first token by model; a model not listed has no sample. */
const health = (ms: Record<string, number>) => ({ latencyMs: (key: string) => ms[key.split('/').pop()!] });

/** A seeded generator (mulberry32), so the exploration rate is measured on the same numbers every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('latency strategy', () => {
  it('orders by recent time to first token, fastest first', async () => {
    const ctx = context({ health: health({ a: 900, b: 120, c: 450, d: 300 }), random: () => 0.99 });
    expect(models(await decideRoute(latencyConfig, request(), ctx))).toEqual(['cu/b', 'cu/d', 'cu/c', 'cu/a']);
  });

  it('puts targets without a recent sample first, in listed order, so they get measured', async () => {
    const ctx = context({ health: health({ a: 900, c: 50 }), random: () => 0.99 });
    expect(models(await decideRoute(latencyConfig, request(), ctx))).toEqual(['cu/b', 'cu/d', 'cu/c', 'cu/a']);
  });

  it('reads the health the router keeps, by account and target', async () => {
    const real = new TargetHealth();
    real.succeeded(targetKey('acct-1', { providerKeyName: 'cu', model: 'c' }), 10);
    for (const model of ['a', 'b', 'd']) real.succeeded(targetKey('acct-1', { providerKeyName: 'cu', model }), 500);
    real.succeeded(targetKey('acct-2', { providerKeyName: 'cu', model: 'a' }), 1);
    expect(models(await decideRoute(latencyConfig, request(), context({ health: real, random: () => 0.99 })))[0]).toBe('cu/c');
  });

  it(`explores: about ${EXPLORATION_RATE * 100} % of decisions put another target first, each of them about equally`, async () => {
    const ctx = context({ health: health({ a: 100, b: 200, c: 300, d: 400 }), random: seeded(42) });
    const firsts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const first = models(await decideRoute(latencyConfig, request(), ctx))[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    const explored = 10_000 - (firsts.get('cu/a') ?? 0);
    expect(Math.abs(explored / 10_000 - EXPLORATION_RATE)).toBeLessThanOrEqual(0.01);
    for (const other of ['cu/b', 'cu/c', 'cu/d']) expect(firsts.get(other)).toBeGreaterThan(explored / 3 - 60);
  });

  it('an explored target moves to first place; the rest keep their order', async () => {
    const draws = [0.01, 0.7];
    const ctx = context({ health: health({ a: 100, b: 200, c: 300, d: 400 }), random: () => draws.shift()! });
    expect(models(await decideRoute(latencyConfig, request(), ctx))).toEqual(['cu/d', 'cu/a', 'cu/b', 'cu/c']);
  });
});
