import { decideRoute } from '../../../lambdas/routing/decide-route.js';
import { BUCKETS, stickyBucket, variantForBucket } from '../../../lambdas/routing/strategies/ab.js';
import { config, context, models, request } from './fixtures.js';

const ab = (percents: number[]) =>
  config({ name: 'exp', strategy: 'ab', variants: percents.map((percent, i) => ({ name: `v${i}`, percent, targets: [{ model: `cu/m${i}` }] })) });

async function split(percents: number[], users: number): Promise<number[]> {
  const cfg = ab(percents);
  const counts = percents.map(() => 0);
  for (let u = 0; u < users; u++) {
    const decision = await decideRoute(cfg, request({ stickyId: `user-${u}` }), context());
    counts[Number(decision.route!.slice(1))]!++;
  }
  return counts;
}

describe('ab strategy', () => {
  it('splits 10,000 distinct users within ±1.5 percentage points (70/20/10)', async () => {
    const counts = await split([70, 20, 10], 10_000);
    [70, 20, 10].forEach((p, i) => expect(Math.abs(counts[i]! / 100 - p)).toBeLessThanOrEqual(1.5));
  });

  it('fractional percentages split as written (33.33/33.33/33.34) and a 0 % variant is never chosen', async () => {
    const counts = await split([33.33, 0, 33.33, 33.34], 10_000);
    expect(counts[1]).toBe(0);
    [0, 2, 3].forEach((i) => expect(Math.abs(counts[i]! / 100 - 33.33)).toBeLessThanOrEqual(1.5));
  });

  it('is sticky: the same user gets the same variant on every call and without any state', async () => {
    const cfg = ab([50, 50]);
    for (let u = 0; u < 50; u++) {
      const req = request({ stickyId: `user-${u}` });
      const first = (await decideRoute(cfg, req, context())).route;
      for (let again = 0; again < 3; again++) expect((await decideRoute(cfg, req, context({ accountId: `other-${again}` }))).route).toBe(first);
      expect(stickyBucket('exp', `user-${u}`)).toBe(stickyBucket('exp', `user-${u}`));
    }
  });

  it('follows the stickyId the router sets (the `user` field, else the API key id), not the body', async () => {
    const cfg = ab([50, 50]);
    const body = { messages: [{ role: 'user', content: 'hi' }], user: 'ignored-here' };
    const routes = new Set<string | undefined>();
    for (let k = 0; k < 40; k++) routes.add((await decideRoute(cfg, request({ body, stickyId: `key-${k}` }), context())).route);
    expect(routes).toEqual(new Set(['v0', 'v1']));
  });

  it("puts the variant's targets first and the config's top-level targets after, as last resort", async () => {
    const cfg = config({
      name: 'exp',
      strategy: 'ab',
      variants: [{ name: 'only', percent: 100, targets: [{ model: 'cu/a' }, { model: 'cu/b' }] }],
      targets: [{ model: 'cu/b' }, { model: 'cu/z' }],
    });
    const decision = await decideRoute(cfg, request(), context());
    expect(decision).toMatchObject({ strategy: 'ab', configName: 'exp', route: 'only' });
    expect(models(decision)).toEqual(['cu/a', 'cu/b', 'cu/z']);
  });

  it('buckets are pinned: a changed hash would move users between variants when a new version deploys', () => {
    expect(stickyBucket('exp', 'user-1')).toBe(1849);
    expect(stickyBucket('checkout', 'key_abc')).toBe(6729);
  });

  it('maps buckets to variants by cumulative percentage', () => {
    const variants = [{ percent: 10 }, { percent: 0 }, { percent: 90 }];
    expect(variantForBucket(variants, 0)).toBe(variants[0]);
    expect(variantForBucket(variants, 999)).toBe(variants[0]);
    expect(variantForBucket(variants, 1_000)).toBe(variants[2]);
    expect(variantForBucket(variants, BUCKETS - 1)).toBe(variants[2]);
  });
});
