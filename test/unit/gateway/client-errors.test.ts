import { upstreamFailureToApiError } from '../../../lambdas/gateway/client-errors.js';
import type { UpstreamFailure } from '../../../lambdas/providers/types.js';
import { expectValid } from '../../support/openai-schema.js';

describe('upstream failure → client error (the one mapping table)', () => {
  it.each<[string, UpstreamFailure, number, string]>([
    ['401 from the provider', { kind: 'http', status: 401, message: 'Incorrect API key' }, 424, 'provider_auth_failed'],
    ['403 from the provider', { kind: 'http', status: 403 }, 424, 'provider_auth_failed'],
    ['429 from the provider', { kind: 'http', status: 429, message: 'slow down', retryAfter: '7' }, 429, 'rate_limited'],
    ['500 from the provider', { kind: 'http', status: 500, message: 'boom' }, 502, 'upstream_error'],
    ['503 from the provider', { kind: 'http', status: 503 }, 502, 'upstream_error'],
    ['400 from the provider', { kind: 'http', status: 400, message: "Invalid value for 'temperature'" }, 400, 'invalid_request'],
    ['404 from the provider', { kind: 'http', status: 404, message: 'model not found' }, 404, 'not_found'],
    ['408 from the provider', { kind: 'http', status: 408 }, 504, 'upstream_timeout'],
    ['a network failure', { kind: 'network' }, 502, 'upstream_error'],
    ['a first-byte timeout', { kind: 'timeout' }, 504, 'upstream_timeout'],
    ['a broken stream', { kind: 'stream' }, 502, 'upstream_error'],
  ])('%s → %i', (_name, failure, status, kind) => {
    const err = upstreamFailureToApiError(failure);
    expect(err.status).toBe(status);
    expect(err.kind).toBe(kind);
    expectValid('error', err.toBody());
  });

  it('says the provider rejected the provider key on 401/403', () => {
    expect(upstreamFailureToApiError({ kind: 'http', status: 401 }).message).toMatch(/provider rejected the provider key/);
  });

  it("keeps the provider's Retry-After on 429", () => {
    expect(upstreamFailureToApiError({ kind: 'http', status: 429, retryAfter: '7' }).headers).toEqual({ 'retry-after': '7' });
  });

  it("passes the provider's message on 400", () => {
    expect(upstreamFailureToApiError({ kind: 'http', status: 400, message: "Invalid value for 'temperature'" }).message).toBe(
      "Invalid value for 'temperature'",
    );
  });

  it('never maps a failure to a 2xx', () => {
    for (const status of [100, 204, 301, 302, 304, 418, 422, 499, 500, 599]) {
      expect(upstreamFailureToApiError({ kind: 'http', status }).status).toBeGreaterThanOrEqual(400);
    }
  });
});
