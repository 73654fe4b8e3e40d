import { backoffMs, configPolicy, directPolicy, failureClass, inlinePolicy, retryAfterMs } from '../../../lambdas/gateway/engine/attempt-policy.js';
import { DEFAULT_TIMEOUTS } from '../../../lambdas/gateway/deps.js';
import { routingConfigSchema } from '../../../lambdas/routing/config-schema.js';

describe('attempt policy', () => {
  it('classifies failures for fallbackOn; the request’s own faults are never moved on from', () => {
    expect(failureClass({ kind: 'http', status: 429 })).toBe('429');
    expect(failureClass({ kind: 'http', status: 500 })).toBe('5xx');
    expect(failureClass({ kind: 'http', status: 503 })).toBe('5xx');
    expect(failureClass({ kind: 'http', status: 408 })).toBe('timeout');
    expect(failureClass({ kind: 'http', status: 401 })).toBe('auth');
    expect(failureClass({ kind: 'http', status: 403 })).toBe('auth');
    expect(failureClass({ kind: 'timeout' })).toBe('timeout');
    expect(failureClass({ kind: 'network' })).toBe('network');
    expect(failureClass({ kind: 'stream' })).toBe('5xx');
    for (const status of [400, 404, 413, 422]) expect(failureClass({ kind: 'http', status })).toBeUndefined();
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Thu, 26 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped at one second', () => {
    expect(backoffMs(0, () => 0)).toBe(50);
    expect(backoffMs(0, () => 1)).toBe(100);
    expect(backoffMs(2, () => 1)).toBe(400);
    expect(backoffMs(10, () => 1)).toBe(1_000);
  });

  it('a directly named target gets one attempt and is tried even when unhealthy; configs and inline lists move on', () => {
    expect(directPolicy(DEFAULT_TIMEOUTS)).toMatchObject({ retries: 0, skipUnhealthy: false, firstTokenTimeoutMs: DEFAULT_TIMEOUTS.streamFirstTokenMs });
    expect(directPolicy(DEFAULT_TIMEOUTS).fallbackOn.size).toBe(0);
    expect([...inlinePolicy(DEFAULT_TIMEOUTS).fallbackOn].sort()).toEqual(['429', '5xx', 'network', 'timeout']);
    const config = routingConfigSchema.parse({
      name: 'c',
      strategy: 'fallback',
      targets: [{ model: 'a/b' }],
      reliability: { retries: 2, timeoutMs: 5_000, firstTokenTimeoutMs: 9_000, fallbackOn: ['auth'] },
    });
    const policy = configPolicy(config);
    expect(policy).toMatchObject({ retries: 2, skipUnhealthy: true, responseTimeoutMs: 5_000, firstTokenTimeoutMs: 5_000 });
    expect([...policy.fallbackOn]).toEqual(['auth']);
    expect(configPolicy(routingConfigSchema.parse({ name: 'd', strategy: 'fallback', targets: [{ model: 'a/b' }] }))).toMatchObject({
      retries: 1,
      firstTokenTimeoutMs: 15_000,
      responseTimeoutMs: 60_000,
    });
  });
});
