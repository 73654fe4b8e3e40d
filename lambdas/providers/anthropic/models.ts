import { z } from 'zod';
import type { UpstreamCredentials } from '../types.js';
import type { UpstreamHttpRequest, UpstreamModel, UpstreamResponse } from '../types.js';
import { anthropicBaseUrl, anthropicHeaders } from './api.js';

/** Anthropic pages its model list; 1000 is its largest page, far above the number of Claude models. */
const MODELS_PAGE_SIZE = 1000;

const modelListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), created_at: z.string().optional() })),
});

export function buildModelsRequest(credentials: UpstreamCredentials): UpstreamHttpRequest {
  return { url: `${anthropicBaseUrl(credentials)}/models?limit=${MODELS_PAGE_SIZE}`, method: 'GET', headers: anthropicHeaders(credentials, false) };
}

export async function readModels(response: UpstreamResponse): Promise<UpstreamModel[]> {
  const parsed = modelListSchema.safeParse(JSON.parse(await response.text()));
  if (!parsed.success) return [];
  return parsed.data.data.map((m) => ({ id: m.id, created: epochSeconds(m.created_at), ownedBy: 'anthropic' }));
}

function epochSeconds(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}
