import { decideRoute, resetRoutingState } from '../../../lambdas/routing/decide-route.js';
import { SmoothWeightedRoundRobin } from '../../../lambdas/routing/smooth-weighted.js';
import { config, context, models, request } from './fixtures.js';

const weighted = (weights: number[]) => config({ name: 'w', strategy: 'weighted', targets: weights.map((weight, i) => ({ model: `cu/m${i}`, weight })) });

beforeEach(() => resetRoutingState());

describe('smooth weighted round robin', () => {
  it("weights 5,1,1 give nginx's sequence a a b a c a a, cycle after cycle", () => {
    const robin = new SmoothWeightedRoundRobin([5, 1, 1]);
    const names = 'abc';
    const sequence = Array.from({ length: 14 }, () => names[robin.next()]).join(' ');
    expect(sequence).toBe('a a b a c a a a a b a c a a');
  });

  it('the weighted strategy follows the same sequence across decisions, with the others by weight as fallbacks', async () => {
    const cfg = weighted([5, 1, 1]);
    const firsts: string[] = [];
    for (let i = 0; i < 7; i++) firsts.push(models(await decideRoute(cfg, request(), context()))[0]!);
    expect(firsts).toEqual(['cu/m0', 'cu/m0', 'cu/m1', 'cu/m0', 'cu/m2', 'cu/m0', 'cu/m0']);
    const third = models(await decideRoute(cfg, request(), context()));
    expect(third).toEqual(['cu/m0', 'cu/m1', 'cu/m2']);
  });

  it('distributes 10,000 decisions by weight within ±2 %', async () => {
    const weights = [50, 30, 15, 5];
    const cfg = weighted(weights);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const first = models(await decideRoute(cfg, request(), context()))[0]!;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    weights.forEach((w, i) => expect(Math.abs((counts.get(`cu/m${i}`) ?? 0) / 10_000 - w / 100)).toBeLessThanOrEqual(0.02));
  });

  it('keeps one rotation per account and config', async () => {
    const cfg = weighted([1, 1]);
    const a = context({ accountId: 'a' });
    const b = context({ accountId: 'b' });
    expect(models(await decideRoute(cfg, request(), a))[0]).toBe('cu/m0');
    expect(models(await decideRoute(cfg, request(), b))[0]).toBe('cu/m0');
    expect(models(await decideRoute(cfg, request(), a))[0]).toBe('cu/m1');
  });

  it("starts a new rotation when the config's targets or weights change", async () => {
    const firsts = async (cfg: ReturnType<typeof weighted>, n: number) => {
      const chosen: string[] = [];
      for (let i = 0; i < n; i++) chosen.push(models(await decideRoute(cfg, request(), context()))[0]!);
      return chosen;
    };
    expect(await firsts(weighted([1, 1]), 1)).toEqual(['cu/m0']);
    // Same name and targets, another weight: a fresh 3:1 rotation; the old 1:1 one continued would go m1, m0, m1, m0.
    expect(await firsts(weighted([3, 1]), 4)).toEqual(['cu/m0', 'cu/m0', 'cu/m1', 'cu/m0']);
    resetRoutingState();
    await decideRoute(weighted([1, 1]), request(), context());
    const renamed = config({ name: 'w', strategy: 'weighted', targets: [{ model: 'cu/other' }, { model: 'cu/m1' }] });
    expect(models(await decideRoute(renamed, request(), context()))[0]).toBe('cu/other');
  });
});
