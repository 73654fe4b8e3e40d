import type { ApiKeyAuthenticator, ApiKeyPrincipal } from '../gateway/ports.js';
import { ApiError } from '../http/errors.js';
import { headerValue, type RequestHeaders } from '../http/request-event.js';

/** The key in `Authorization: Bearer <key>`, as OpenAI's clients send it. */
export function bearerToken(headers: RequestHeaders): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(headerValue(headers, 'authorization') ?? '')?.[1];
}

/**
 * The RouKey key a request carries, by the one rule every API-key route follows: `x-api-key: rk_…` (Anthropic's
 * clients) or `Authorization: Bearer rk_…` (OpenAI's and most others).
 */
export function apiKeyOf(headers: RequestHeaders): string | undefined {
  return headerValue(headers, 'x-api-key')?.trim() || bearerToken(headers);
}

/** The first characters of a presented key, as a security event may hold them (enough to recognise it, never the key). */
export function apiKeyPrefix(key: string | undefined): string | undefined {
  return key === undefined ? undefined : /^rk_[A-Za-z0-9_-]{0,8}/.exec(key)?.[0];
}

/**
 * Whether the caller speaks Anthropic's API (its SDKs send `x-api-key` and `anthropic-version`), so routes both
 * kinds of client call (`GET /v1/models`, errors) answer in Anthropic's shapes.
 */
export function speaksAnthropic(headers: RequestHeaders): boolean {
  return headerValue(headers, 'anthropic-version') !== undefined || headerValue(headers, 'x-api-key') !== undefined;
}

/** The caller of an API-key route (`apiKeyOf`), or a 401 that never echoes the key. */
export async function apiKeyCaller(authenticator: ApiKeyAuthenticator, headers: RequestHeaders): Promise<ApiKeyPrincipal> {
  const key = apiKeyOf(headers);
  if (!key) throw new ApiError('unauthenticated', 'Missing API key: send "Authorization: Bearer rk_..." or "x-api-key: rk_...".', { code: 'missing_api_key' });
  const caller = await authenticator.authenticate(key);
  if (!caller) throw new ApiError('unauthenticated', 'Invalid or revoked API key.', { code: 'invalid_api_key' });
  return caller;
}
