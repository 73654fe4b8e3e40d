import type { UpstreamCredentials } from '../../gateway/ports.js';

/** OpenAI's public endpoint; a provider key's `baseUrl` replaces it for any OpenAI-compatible server. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function openaiBaseUrl(credentials: UpstreamCredentials): string {
  return (credentials.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export function openaiHeaders(credentials: UpstreamCredentials, hasJsonBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${credentials.apiKey}`, accept: 'application/json' };
  if (hasJsonBody) headers['content-type'] = 'application/json';
  return headers;
}
