import type { ProviderId } from '../../provider-ids.js';

/**
 * The OpenAI-compatible family: providers that speak OpenAI's chat wire format and differ only in where they
 * live, how they authenticate and what they reject. One adapter (./index.ts) serves them all; adding one is one
 * line here and its id in PROVIDER_IDS.
 */
export interface OpenAiPreset {
  /** The provider's public endpoint; absent when every provider key must bring its own baseUrl. */
  readonly baseUrl?: string;
  /** `bearer`: `Authorization: Bearer <key>`; `api-key`: Azure's `api-key: <key>` header. */
  readonly auth: 'bearer' | 'api-key';
  /** `openai`: `{base}/chat/completions`; `azure`: `{base}/openai/deployments/{model}/chat/completions?api-version=…`. */
  readonly routes: 'openai' | 'azure';
  /** False where the upstream rejects `stream_options`; those report usage in their final chunk unasked. */
  readonly streamOptions: boolean;
  /** False where the upstream's model list does not name what a request addresses (Azure lists models, requests name deployments). */
  readonly listsModels: boolean;
  /**
   * True where the provider serves OpenAI's Responses API itself, state included (`previous_response_id`, stored
   * responses): Responses requests pass through to it untranslated. Each one is checked against the provider's docs.
   */
  readonly servesResponses: boolean;
}

const OPENAI_STYLE = { auth: 'bearer', routes: 'openai', streamOptions: true, listsModels: true, servesResponses: false } as const;

export const OPENAI_PRESETS = {
  openai: { ...OPENAI_STYLE, baseUrl: 'https://api.openai.com/v1', servesResponses: true },
  // Azure's v1 API serves `/openai/v1/responses`, the deployment named by `model` in the body.
  azure: { auth: 'api-key', routes: 'azure', streamOptions: true, listsModels: false, servesResponses: true },
  groq: { ...OPENAI_STYLE, baseUrl: 'https://api.groq.com/openai/v1' },
  deepseek: { ...OPENAI_STYLE, baseUrl: 'https://api.deepseek.com/v1' },
  // xAI's recommended API is the Responses API, storing responses for 30 days as OpenAI does.
  xai: { ...OPENAI_STYLE, baseUrl: 'https://api.x.ai/v1', servesResponses: true },
  // Mistral answers 422 `extra_forbidden` to `stream_options` and puts usage on its last chunk anyway.
  mistral: { ...OPENAI_STYLE, baseUrl: 'https://api.mistral.ai/v1', streamOptions: false },
  together: { ...OPENAI_STYLE, baseUrl: 'https://api.together.xyz/v1' },
  fireworks: { ...OPENAI_STYLE, baseUrl: 'https://api.fireworks.ai/inference/v1' },
  openrouter: { ...OPENAI_STYLE, baseUrl: 'https://openrouter.ai/api/v1' },
  perplexity: { ...OPENAI_STYLE, baseUrl: 'https://api.perplexity.ai' },
  cerebras: { ...OPENAI_STYLE, baseUrl: 'https://api.cerebras.ai/v1' },
  // Any OpenAI-compatible server (vLLM, Ollama, a company proxy): the provider key's baseUrl says where.
  custom: { ...OPENAI_STYLE },
} as const satisfies Partial<Record<ProviderId, OpenAiPreset>>;

export type OpenAiCompatibleId = keyof typeof OPENAI_PRESETS;

/**
 * Azure's api-version when the provider key names none: the newest GA inference version, the first GA one that
 * accepts `stream_options`. A provider key's `apiVersion` travels as its baseUrl's `api-version` query parameter.
 */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** The preset of a provider id, or undefined for providers with a wire format of their own. */
export function openAiPreset(provider: ProviderId): OpenAiPreset | undefined {
  return Object.hasOwn(OPENAI_PRESETS, provider) ? OPENAI_PRESETS[provider as OpenAiCompatibleId] : undefined;
}
