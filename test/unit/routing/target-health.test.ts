import { TargetHealth } from '../../../lambdas/routing/target-health.js';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('TargetHealth', () => {
  it('admits a target it knows nothing of, without a probe', () => {
    expect(new TargetHealth().admit('a/k/m')).toEqual({ ok: true, probe: false });
  });

  it('a 429 cools the target down until its Retry-After, then admits it again', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now });
    health.failed('k', 'rate_limited', 2_000);
    expect(health.admit('k')).toEqual({ ok: false, reason: 'cooldown', retryAtMs: c.t + 2_000 });
    c.t += 1_999;
    expect(health.admit('k').ok).toBe(false);
    c.t += 1;
    expect(health.admit('k')).toEqual({ ok: true, probe: false });
  });

  it('a 429 without Retry-After cools down for the default; a huge Retry-After is capped', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, defaultCooldownMs: 1_000, maxCooldownMs: 60_000 });
    health.failed('a', 'rate_limited');
    health.failed('b', 'rate_limited', 86_400_000);
    expect(health.admit('a')).toMatchObject({ retryAtMs: c.t + 1_000 });
    expect(health.admit('b')).toMatchObject({ retryAtMs: c.t + 60_000 });
  });

  it('rate limits do not count toward the breaker', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now });
    for (let i = 0; i < 5; i++) health.failed('k', 'rate_limited', 0);
    expect(health.admit('k')).toEqual({ ok: true, probe: false });
  });

  it('opens the breaker after 3 consecutive failures; a success in between resets the count', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, openMs: 30_000 });
    health.failed('k', 'server');
    health.failed('k', 'timeout');
    health.succeeded('k', 100);
    health.failed('k', 'network');
    health.failed('k', 'auth');
    expect(health.admit('k').ok).toBe(true);
    health.failed('k', 'server');
    expect(health.admit('k')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: c.t + 30_000 });
  });

  describe('after the pause, half-open', () => {
    function opened() {
      const c = clock();
      const health = new TargetHealth({ now: c.now, openMs: 30_000 });
      for (let i = 0; i < 3; i++) health.failed('k', 'server');
      c.t += 30_000;
      return { c, health };
    }

    it('admits exactly one probe at a time', () => {
      const { c, health } = opened();
      expect(health.admit('k')).toEqual({ ok: true, probe: true });
      expect(health.admit('k')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: c.t + 30_000 });
    });

    it("closes on the probe's success", () => {
      const { health } = opened();
      health.admit('k');
      health.succeeded('k', 250);
      expect(health.admit('k')).toEqual({ ok: true, probe: false });
      expect(health.admit('k')).toEqual({ ok: true, probe: false });
    });

    it("re-opens for another pause on the probe's failure", () => {
      const { c, health } = opened();
      health.admit('k');
      c.t += 500;
      health.failed('k', 'timeout');
      expect(health.admit('k')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: c.t + 30_000 });
      c.t += 30_000;
      expect(health.admit('k')).toEqual({ ok: true, probe: true });
    });

    it('a released probe (no verdict) frees the place for another probe', () => {
      const { health } = opened();
      health.admit('k');
      health.released('k');
      expect(health.admit('k')).toEqual({ ok: true, probe: true });
    });

    it('releasing after a verdict changes nothing (the attempt loop releases whenever an admitted run ends)', () => {
      const closed = opened();
      closed.health.admit('k');
      closed.health.succeeded('k', 250);
      closed.health.released('k');
      expect(closed.health.admit('k')).toEqual({ ok: true, probe: false });
      const reopened = opened();
      reopened.health.admit('k');
      reopened.health.failed('k', 'server');
      reopened.health.released('k');
      expect(reopened.health.admit('k')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: reopened.c.t + 30_000 });
    });

    it('a probe that never reports is presumed lost after another pause', () => {
      const { c, health } = opened();
      health.admit('k');
      c.t += 30_000;
      expect(health.admit('k')).toEqual({ ok: true, probe: true });
    });

    it('a rate-limited probe frees its place, and the cooldown holds the next one back', () => {
      const { c, health } = opened();
      health.admit('k');
      health.failed('k', 'rate_limited', 5_000);
      expect(health.admit('k')).toEqual({ ok: false, reason: 'cooldown', retryAtMs: c.t + 5_000 });
      c.t += 5_000;
      expect(health.admit('k')).toEqual({ ok: true, probe: true });
    });
  });

  it('reports the later of a cooldown and an open breaker', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, openMs: 30_000 });
    for (let i = 0; i < 3; i++) health.failed('k', 'server');
    health.failed('k', 'rate_limited', 60_000);
    expect(health.admit('k')).toEqual({ ok: false, reason: 'cooldown', retryAtMs: c.t + 60_000 });
    health.failed('j', 'rate_limited', 1_000);
    for (let i = 0; i < 3; i++) health.failed('j', 'server');
    expect(health.admit('j')).toEqual({ ok: false, reason: 'circuit_open', retryAtMs: c.t + 30_000 });
  });

  it('keeps an EWMA of time to first token (alpha 0.3); a stale sample counts as none', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, latencyAlpha: 0.3, latencyMaxAgeMs: 600_000 });
    expect(health.latencyMs('k')).toBeUndefined();
    health.succeeded('k', 100);
    expect(health.latencyMs('k')).toBe(100);
    health.succeeded('k', 200);
    expect(health.latencyMs('k')).toBeCloseTo(130);
    c.t += 600_001;
    expect(health.latencyMs('k')).toBeUndefined();
    health.succeeded('k', 400);
    expect(health.latencyMs('k')).toBe(400);
  });

  it('a timeout pushes the latency up by a penalty sample; other failures leave it', () => {
    const c = clock();
    const health = new TargetHealth({ now: c.now, latencyAlpha: 0.5, timeoutPenaltyMs: 10_000 });
    health.succeeded('k', 100);
    health.failed('k', 'server');
    expect(health.latencyMs('k')).toBe(100);
    health.failed('k', 'timeout');
    expect(health.latencyMs('k')).toBe(5_050);
    health.failed('fresh', 'timeout');
    expect(health.latencyMs('fresh')).toBe(10_000);
  });

  it('stays bounded, forgetting the least recently used target', () => {
    const health = new TargetHealth({ maxTargets: 3 });
    for (const key of ['a', 'b', 'c']) health.failed(key, 'rate_limited', 60_000);
    health.admit('a');
    health.failed('d', 'rate_limited', 60_000);
    expect(health.size).toBe(3);
    expect(health.admit('b')).toEqual({ ok: true, probe: false });
    for (const key of ['a', 'c', 'd']) expect(health.admit(key)).toMatchObject({ ok: false, reason: 'cooldown' });
  });
});
