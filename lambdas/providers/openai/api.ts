import type { UpstreamCredentials } from '../types.js';
import { AZURE_DEFAULT_API_VERSION, type OpenAiPreset } from './presets.js';

/** The key's baseUrl (regional endpoint, proxy) or the preset's, without trailing slashes. */
function openaiBaseUrl(credentials: UpstreamCredentials, preset: OpenAiPreset): string {
  const base = credentials.baseUrl ?? preset.baseUrl;
  // Key creation requires a baseUrl where the preset has none, so this is a broken record, not a client error.
  if (base === undefined) throw new Error(`A ${credentials.provider} provider key needs a baseUrl.`);
  return base.replace(/\/+$/, '');
}

export function openaiHeaders(credentials: UpstreamCredentials, hasJsonBody: boolean, preset: OpenAiPreset): Record<string, string> {
  const headers: Record<string, string> =
    preset.auth === 'api-key'
      ? { 'api-key': credentials.apiKey, accept: 'application/json' }
      : { authorization: `Bearer ${credentials.apiKey}`, accept: 'application/json' };
  if (hasJsonBody) headers['content-type'] = 'application/json';
  return headers;
}

/** Where chat completions go: OpenAI's route, or Azure's deployment route (the model part names the deployment). */
export function chatCompletionsUrl(credentials: UpstreamCredentials, preset: OpenAiPreset, model: string): string {
  if (preset.routes === 'openai') return `${openaiBaseUrl(credentials, preset)}/chat/completions`;
  return azureUrl(credentials, preset, `/openai/deployments/${encodeURIComponent(model)}/chat/completions`);
}

/** Where embeddings requests go: OpenAI's route, or Azure's deployment route. */
export function embeddingsUrl(credentials: UpstreamCredentials, preset: OpenAiPreset, model: string): string {
  if (preset.routes === 'openai') return `${openaiBaseUrl(credentials, preset)}/embeddings`;
  return azureUrl(credentials, preset, `/openai/deployments/${encodeURIComponent(model)}/embeddings`);
}

/** Where Responses API requests go: OpenAI's route, or Azure's v1 route (no deployment in the path, no api-version). */
export function responsesUrl(credentials: UpstreamCredentials, preset: OpenAiPreset): string {
  if (preset.routes === 'openai') return `${openaiBaseUrl(credentials, preset)}/responses`;
  const endpoint = new URL(openaiBaseUrl(credentials, preset));
  return `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/openai/v1/responses`;
}

export function modelsUrl(credentials: UpstreamCredentials, preset: OpenAiPreset): string {
  return preset.routes === 'openai' ? `${openaiBaseUrl(credentials, preset)}/models` : azureUrl(credentials, preset, '/openai/models');
}

/** An Azure resource URL: the key's endpoint, the route, and the api-version the key carries (or the default). */
function azureUrl(credentials: UpstreamCredentials, preset: OpenAiPreset, route: string): string {
  const endpoint = new URL(openaiBaseUrl(credentials, preset));
  const apiVersion = endpoint.searchParams.get('api-version') ?? AZURE_DEFAULT_API_VERSION;
  const root = `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}`;
  return `${root}${route}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Azure's endpoint with the api-version kept as its query parameter, as stored in a provider key's baseUrl. */
export function azureBaseUrlWithVersion(baseUrl: string, apiVersion: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('api-version', apiVersion);
  return url.toString();
}
