import { ApiError } from '../http/errors.js';
import type { UpstreamFailure } from '../providers/types.js';

/**
 * The single place where an upstream failure becomes the status a client sees. Faithful mapping matters:
 * clients retry 429/5xx and must never see a 200 for a failure.
 */
export function upstreamFailureToApiError(failure: UpstreamFailure): ApiError {
  switch (failure.kind) {
    case 'network':
      return new ApiError('upstream_error', 'The provider could not be reached.', { code: 'upstream_unreachable' });
    case 'timeout':
      return new ApiError('upstream_timeout', 'The provider did not answer in time.', { code: 'upstream_timeout' });
    case 'stream':
      return new ApiError('upstream_error', failure.message ?? 'The provider stream failed.', { code: 'upstream_error' });
    case 'http':
      return httpFailure(failure.status, failure.message, failure.retryAfter);
  }
}

function httpFailure(status: number, message: string | undefined, retryAfter: string | undefined): ApiError {
  if (status === 401 || status === 403) {
    return new ApiError('provider_auth_failed', `The provider rejected the provider key (HTTP ${status}). Check the key in RouKey.`);
  }
  if (status === 429) {
    return new ApiError('rate_limited', message ?? 'The provider rate-limited the request.', {
      code: 'upstream_rate_limited',
      headers: retryAfter ? { 'retry-after': retryAfter } : {},
    });
  }
  if (status === 408) return new ApiError('upstream_timeout', 'The provider timed out.', { code: 'upstream_timeout' });
  if (status >= 500) {
    return new ApiError('upstream_error', `The provider failed (HTTP ${status}).`, { code: 'upstream_error' });
  }
  if (status === 404) return new ApiError('not_found', message ?? 'The provider does not know this model.', { code: 'upstream_not_found' });
  if (status === 413) return new ApiError('payload_too_large', message ?? 'The provider refused the request size.');
  if (status >= 400) return new ApiError('invalid_request', message ?? `The provider rejected the request (HTTP ${status}).`, { code: 'upstream_bad_request' });
  // A 1xx/3xx where a completion was expected is the provider misbehaving.
  return new ApiError('upstream_error', `The provider answered with HTTP ${status}.`, { code: 'upstream_error' });
}
