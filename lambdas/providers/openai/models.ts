import type { UpstreamCredentials } from '../../gateway/ports.js';
import type { UpstreamHttpRequest, UpstreamModel, UpstreamResponse } from '../types.js';
import { openaiBaseUrl, openaiHeaders } from './api.js';

export function buildModelsRequest(credentials: UpstreamCredentials): UpstreamHttpRequest {
  return { url: `${openaiBaseUrl(credentials)}/models`, method: 'GET', headers: openaiHeaders(credentials, false) };
}

export async function readModels(response: UpstreamResponse): Promise<UpstreamModel[]> {
  const body = JSON.parse(await response.text()) as { data?: Array<{ id?: unknown; created?: unknown; owned_by?: unknown }> };
  if (!Array.isArray(body.data)) return [];
  return body.data.flatMap((m) =>
    typeof m.id === 'string'
      ? [{ id: m.id, created: typeof m.created === 'number' ? m.created : undefined, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : undefined }]
      : [],
  );
}
