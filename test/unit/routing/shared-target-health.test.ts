import { TargetHealth, type SharedTargetHealth } from '../../../lambdas/routing/target-health.js';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

const shared = (key: string, fields: Partial<SharedTargetHealth> = {}): SharedTargetHealth => ({
  key,
  consecutiveFailures: 0,
  errorRate: 0,
  cooldownUntil: 0,
  circuitOpenUntil: 0,
  sampledAt: 0,
  ...fields,
});

describe('TargetHealth: what other containers saw', () => {
  it('an open circuit reported elsewhere keeps the target out here until it ends', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now });
    health.learn([shared('a/k/m', { circuitOpenUntil: c.t + 5_000 })]);
    expect(health.admit('a/k/m')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: c.t + 5_000 });
    c.t += 5_000;
    expect(health.admit('a/k/m')).toEqual({ ok: true, probe: false });
  });

  it('a cooldown reported elsewhere holds the target back; the later of local and shared wins', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now });
    health.failed('a/k/m', 'rate_limited', 1_000);
    health.learn([shared('a/k/m', { cooldownUntil: c.t + 3_000 })]);
    expect(health.admit('a/k/m')).toEqual({ ok: false, reason: 'cooldown', retryAtMs: c.t + 3_000 });
  });

  it('container-local state still reacts at once, whatever the shared item says', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now });
    health.learn([shared('a/k/m')]);
    for (let i = 0; i < 3; i++) health.failed('a/k/m', 'server');
    expect(health.admit('a/k/m')).toMatchObject({ ok: false, reason: 'circuit_open' });
  });

  it('a reported latency stands in only where this container has no recent sample of its own', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, latencyMaxAgeMs: 60_000 });
    health.learn([shared('a/k/m', { ttftMs: 800, sampledAt: c.t }), shared('a/k/n', { ttftMs: 300, sampledAt: c.t - 61_000 })]);
    expect(health.latencyMs('a/k/m')).toBe(800);
    expect(health.latencyMs('a/k/n')).toBeUndefined();
    health.succeeded('a/k/m', 100);
    expect(health.latencyMs('a/k/m')).toBe(100);
  });
});

describe('TargetHealth: what this container reports', () => {
  it('reports a breaker that opens, with its end, and nothing for failures that change no state', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, driftReportMs: 60_000 });
    health.succeeded('a/k/m', 200);
    expect(health.takeReports()).toEqual([{ key: 'a/k/m', consecutiveFailures: 0, errorRate: 0, ttftMs: 200, sampledAt: c.t }]);
    health.failed('a/k/m', 'server');
    health.failed('a/k/m', 'server');
    expect(health.takeReports()).toEqual([]);
    health.failed('a/k/m', 'server');
    expect(health.takeReports()).toEqual([expect.objectContaining({ key: 'a/k/m', consecutiveFailures: 3, circuitOpenUntil: c.t + 30_000 })]);
    expect(health.takeReports()).toEqual([]);
  });

  it("reports a probe's success as the circuit's end, and a 429 with its cooldown", () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, driftReportMs: 60_000 });
    for (let i = 0; i < 3; i++) health.failed('a/k/m', 'server');
    health.takeReports();
    c.t += 30_000;
    expect(health.admit('a/k/m')).toEqual({ ok: true, probe: true });
    health.succeeded('a/k/m', 150);
    expect(health.takeReports()).toEqual([expect.objectContaining({ key: 'a/k/m', circuitOpenUntil: 0, consecutiveFailures: 0 })]);
    health.failed('a/k/m', 'rate_limited', 2_000);
    const [report] = health.takeReports();
    expect(report).toMatchObject({ cooldownUntil: c.t + 2_000 });
    expect(report).not.toHaveProperty('circuitOpenUntil');
  });

  it('reports a drift in latency only after the drift interval, and only a material one', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, driftReportMs: 30_000, latencyAlpha: 1 });
    health.succeeded('a/k/m', 100);
    expect(health.takeReports()).toHaveLength(1);
    health.succeeded('a/k/m', 500);
    expect(health.takeReports()).toEqual([]);
    c.t += 30_000;
    health.succeeded('a/k/m', 110);
    expect(health.takeReports()).toEqual([]);
    health.succeeded('a/k/m', 400);
    expect(health.takeReports()).toEqual([expect.objectContaining({ ttftMs: 400 })]);
  });
});
