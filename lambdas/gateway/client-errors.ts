import { ApiError, toApiError } from '../http/errors.js';
import { UpstreamError, type UpstreamFailure } from '../providers/types.js';

/**
 * What the router's clients see when something goes wrong: the one mapping from an upstream failure (or
 * anything else thrown while serving) to a client error, and the errors the attempt loop answers for targets
 * it could not use. The HTTP status of each kind is decided in http/errors.ts.
 */

/** The client went away: nothing more can be sent, and the upstream request has been aborted. */
export class ClientDisconnectedError extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientDisconnectedError';
  }
}

/** Anything thrown while serving a request, as the error its client gets: unknown errors are a 500 that reveals nothing. */
export function clientError(err: unknown): ApiError {
  return err instanceof UpstreamError ? upstreamFailureToApiError(err.failure) : toApiError(err);
}

/**
 * A failure after the first byte, as the error to put in the stream (the status is sent already, so the failure
 * goes in-band, never a silent truncation). A client that has gone is rethrown: nobody is listening.
 */
export function inBandError(err: unknown): ApiError {
  if (err instanceof ClientDisconnectedError) throw err;
  return clientError(err);
}

/**
 * Where an upstream failure becomes the status a client sees. Faithful mapping matters: clients retry 429/5xx
 * and must never see a 200 for a failure.
 */
export function upstreamFailureToApiError(failure: UpstreamFailure): ApiError {
  switch (failure.kind) {
    case 'network':
      return new ApiError('upstream_error', 'The provider could not be reached.', { code: 'upstream_unreachable' });
    case 'timeout':
      if (failure.limit === 'idle')
        return new ApiError('upstream_timeout', 'The provider stream sent nothing within its idle timeout.', { code: 'stream_idle_timeout' });
      if (failure.limit === 'duration')
        return new ApiError('upstream_timeout', "The request reached the gateway's limit on its duration.", { code: 'request_too_long' });
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

/** A target naming a provider key the account does not have. */
export function providerKeyNotFound(providerKeyName: string): ApiError {
  return new ApiError('not_found', `No provider key named "${providerKeyName}" in this account.`, { param: 'model', code: 'provider_key_not_found' });
}

/** A target whose base URL the SSRF guard refused, before the call or at connect time. */
export function baseUrlRefused(): ApiError {
  return new ApiError('upstream_error', "The provider key's base URL is not allowed (it must be public and use https).", { code: 'base_url_refused' });
}

/** A target passed over while it cools down after a 429. */
export function targetCoolingDown(target: string): ApiError {
  return new ApiError('rate_limited', `${target} is cooling down after a rate limit.`, { code: 'upstream_rate_limited' });
}

/** A target passed over while its circuit breaker is open. */
export function targetCircuitOpen(target: string): ApiError {
  return new ApiError('upstream_error', `${target} is failing (circuit open).`, { code: 'circuit_open' });
}
