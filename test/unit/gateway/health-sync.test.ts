import { HealthSync } from '../../../lambdas/gateway/health-sync.js';
import type { SharedHealthStore } from '../../../lambdas/gateway/ports.js';
import type { SharedTargetHealth, TargetHealthReport } from '../../../lambdas/routing/target-health.js';
import { TargetHealth } from '../../../lambdas/routing/target-health.js';

function fakeStore(items: SharedTargetHealth[] = []) {
  const calls = { reads: 0, writes: [] as TargetHealthReport[][] };
  let gate: Promise<void> | undefined;
  const store: SharedHealthStore & { hold(p: Promise<void>): void; fail: boolean } = {
    fail: false,
    hold(p) {
      gate = p;
    },
    async read() {
      calls.reads++;
      await gate;
      if (store.fail) throw new Error('boom');
      return items;
    },
    async write(reports) {
      if (store.fail) throw new Error('boom');
      calls.writes.push([...reports]);
    },
  };
  return { store, calls };
}

const open = (key: string, until: number): SharedTargetHealth => ({
  key,
  consecutiveFailures: 3,
  errorRate: 0.3,
  cooldownUntil: 0,
  circuitOpenUntil: until,
  sampledAt: 0,
});

describe('HealthSync', () => {
  it('reads an account once per cache window, waiting only for its first read', async () => {
    const c = { t: 1_000 };
    const now = () => c.t;
    const { store, calls } = fakeStore([open('acc/k/m', 60_000)]);
    const health = new TargetHealth({ now });
    const sync = new HealthSync(store, health, () => undefined, { cacheMs: 10_000, now });
    await sync.refresh('acc');
    expect(health.admit('acc/k/m')).toMatchObject({ ok: false, reason: 'circuit_open' });
    await sync.refresh('acc');
    c.t += 9_999;
    await sync.refresh('acc');
    expect(calls.reads).toBe(1);
    c.t += 1;
    let release = () => {};
    store.hold(new Promise<void>((r) => (release = r)));
    // A stale read refreshes in the background: the request does not wait for it.
    await sync.refresh('acc');
    expect(calls.reads).toBe(2);
    release();
  });

  it('writes only material changes, after the response, one batch per flush', async () => {
    const { store, calls } = fakeStore();
    const health = new TargetHealth();
    const sync = new HealthSync(store, health, () => undefined);
    await sync.flush();
    expect(calls.writes).toEqual([]);
    for (let i = 0; i < 3; i++) health.failed('acc/k/m', 'server');
    health.failed('acc/k/n', 'rate_limited', 1_000);
    await sync.flush();
    expect(calls.writes).toHaveLength(1);
    expect(calls.writes[0]?.map((r) => r.key).sort()).toEqual(['acc/k/m', 'acc/k/n']);
    await sync.flush();
    expect(calls.writes).toHaveLength(1);
  });

  it('a failing table leaves the container with its own view and logs the error by name only', async () => {
    const { store } = fakeStore();
    store.fail = true;
    const logs: unknown[] = [];
    const health = new TargetHealth();
    const sync = new HealthSync(store, health, (entry) => logs.push(entry));
    await expect(sync.refresh('acc')).resolves.toBeUndefined();
    for (let i = 0; i < 3; i++) health.failed('acc/k/m', 'server');
    await expect(sync.flush()).resolves.toBeUndefined();
    expect(logs).toEqual([
      { level: 'warn', msg: 'shared health read failed', error: 'Error' },
      { level: 'warn', msg: 'shared health write failed', error: 'Error' },
    ]);
    expect(health.admit('acc/k/m')).toMatchObject({ ok: false });
  });
});
