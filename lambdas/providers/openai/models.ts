import type { UpstreamCredentials } from '../types.js';
import type { UpstreamHttpRequest, UpstreamModel, UpstreamResponse } from '../types.js';
import { modelsUrl, openaiHeaders } from './api.js';
import type { OpenAiPreset } from './presets.js';

export function buildModelsRequest(preset: OpenAiPreset, credentials: UpstreamCredentials): UpstreamHttpRequest {
  return { url: modelsUrl(credentials, preset), method: 'GET', headers: openaiHeaders(credentials, false, preset) };
}

export async function readModels(preset: OpenAiPreset, response: UpstreamResponse): Promise<UpstreamModel[]> {
  if (!preset.listsModels) {
    // Its ids would not be routable (Azure lists base models; requests name deployments): list none.
    response.discard();
    return [];
  }
  const body = JSON.parse(await response.text()) as { data?: Array<{ id?: unknown; created?: unknown; owned_by?: unknown }> };
  if (!Array.isArray(body.data)) return [];
  return body.data.flatMap((m) =>
    typeof m.id === 'string'
      ? [{ id: m.id, created: typeof m.created === 'number' ? m.created : undefined, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : undefined }]
      : [],
  );
}
