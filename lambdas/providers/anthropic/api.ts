import type { UpstreamCredentials } from '../types.js';

/** Anthropic's public endpoint; a provider key's `baseUrl` replaces it (a proxy, or a fake in tests). */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';

/** The Messages API version this adapter speaks; pinned so a new version cannot change the wire format under us. */
export const ANTHROPIC_VERSION = '2023-06-01';

export function anthropicBaseUrl(credentials: UpstreamCredentials): string {
  return (credentials.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export function anthropicHeaders(credentials: UpstreamCredentials, hasJsonBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'x-api-key': credentials.apiKey, 'anthropic-version': ANTHROPIC_VERSION, accept: 'application/json' };
  if (hasJsonBody) headers['content-type'] = 'application/json';
  return headers;
}
