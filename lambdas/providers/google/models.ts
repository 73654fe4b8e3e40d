import type { UpstreamCredentials } from '../types.js';
import type { UpstreamHttpRequest, UpstreamModel, UpstreamResponse } from '../types.js';
import { googleBaseUrl, googleHeaders } from './api.js';
import { geminiModelListSchema } from './wire.js';

/** One page of the largest size Gemini allows: its whole catalogue fits. */
export function buildModelsRequest(credentials: UpstreamCredentials): UpstreamHttpRequest {
  return { url: `${googleBaseUrl(credentials)}/models?pageSize=1000`, method: 'GET', headers: googleHeaders(credentials, 'application/json', false) };
}

/** The chat models (those supporting generateContent), named without Gemini's `models/` prefix. */
export async function readModels(response: UpstreamResponse): Promise<UpstreamModel[]> {
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch {
    return [];
  }
  const parsed = geminiModelListSchema.safeParse(json);
  if (!parsed.success) return [];
  return (parsed.data.models ?? [])
    .filter((m) => m.supportedGenerationMethods?.includes('generateContent'))
    .map((m) => ({ id: m.name.replace(/^models\//, ''), ownedBy: 'google' }));
}
