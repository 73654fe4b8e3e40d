import type { UpstreamCredentials } from '../types.js';

/** Google's Gemini API; a provider key's `baseUrl` replaces it (a proxy, or a fake in tests). */
export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

export function googleBaseUrl(credentials: UpstreamCredentials): string {
  return (credentials.baseUrl ?? GOOGLE_DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** The key goes in a header, never in the `?key=` query string, so it cannot end up in a logged URL. */
export function googleHeaders(credentials: UpstreamCredentials, accept: string, hasJsonBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'x-goog-api-key': credentials.apiKey, accept };
  if (hasJsonBody) headers['content-type'] = 'application/json';
  return headers;
}

export function generateContentUrl(credentials: UpstreamCredentials, model: string, stream: boolean): string {
  const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
  return `${googleBaseUrl(credentials)}/models/${encodeURIComponent(model)}:${method}`;
}

/**
 * Gemini 1.x and 2.x neither validate thought signatures nor know thinking levels; later models do both.
 * Judged by name because the request is all the adapter knows of the model.
 */
export function isLegacyGeminiModel(model: string): boolean {
  return /^(models\/)?gemini-(1|2)\./.test(model) || /^(models\/)?gemini-(pro|ultra)/.test(model);
}
