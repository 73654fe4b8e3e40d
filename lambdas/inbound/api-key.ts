import type { ApiKeyAuthenticator, ApiKeyPrincipal } from '../gateway/ports.js';
import { ApiError } from '../http/errors.js';
import { headerValue, type RequestHeaders } from '../http/request-event.js';

/** The key in `Authorization: Bearer <key>`, as OpenAI's clients send it. */
export function bearerToken(headers: RequestHeaders): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(headerValue(headers, 'authorization') ?? '')?.[1];
}

/** The key a caller presented: Anthropic's `x-api-key`, or OpenAI's Bearer token. */
export function presentedApiKey(headers: RequestHeaders): string | undefined {
  return headerValue(headers, 'x-api-key')?.trim() || bearerToken(headers);
}

/** The first characters of a presented key, as a security event may hold them (enough to recognise it, never the key). */
export function apiKeyPrefix(key: string | undefined): string | undefined {
  return key === undefined ? undefined : /^rk_[A-Za-z0-9_-]{0,8}/.exec(key)?.[0];
}

/** The caller of a RouKey API key, or a 401 that never echoes the key; `missing` tells how to send one. */
export async function callerOf(authenticator: ApiKeyAuthenticator, key: string | undefined, missing: string): Promise<ApiKeyPrincipal> {
  if (!key) throw new ApiError('unauthenticated', missing, { code: 'missing_api_key' });
  const caller = await authenticator.authenticate(key);
  if (!caller) throw new ApiError('unauthenticated', 'Invalid or revoked API key.', { code: 'invalid_api_key' });
  return caller;
}

/** The caller of a route that takes OpenAI's `Authorization: Bearer rk_…`, or a 401. */
export function bearerCaller(authenticator: ApiKeyAuthenticator, headers: RequestHeaders): Promise<ApiKeyPrincipal> {
  return callerOf(authenticator, bearerToken(headers), 'Missing API key: send "Authorization: Bearer rk_...".');
}
