import { PROVIDER_IDS, type ProviderId } from '../../../lambdas/provider-ids.js';

/** Which fields a provider's key takes (docs/api.md, `/v1/provider-keys`), and what to suggest in them. */
export interface ProviderPreset {
  readonly label: string;
  readonly apiKey: boolean;
  readonly baseUrl: 'required' | 'optional' | 'none';
  readonly baseUrlHint?: string;
  readonly apiVersion?: boolean;
  readonly region?: boolean;
}

const LABELS: Partial<Record<ProviderId, string>> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  xai: 'xAI',
  openrouter: 'OpenRouter',
  deepseek: 'DeepSeek',
  custom: 'Custom (OpenAI-compatible)',
  google: 'Google Gemini',
  bedrock: 'Amazon Bedrock',
};

const SPECIAL: Partial<Record<ProviderId, Partial<ProviderPreset>>> = {
  azure: { baseUrl: 'required', baseUrlHint: 'https://<resource>.openai.azure.com', apiVersion: true },
  custom: { baseUrl: 'required', baseUrlHint: 'https://llm.example.com/v1' },
  bedrock: { apiKey: false, baseUrl: 'none', region: true },
};

export const PROVIDER_PRESETS: Record<ProviderId, ProviderPreset> = Object.fromEntries(
  PROVIDER_IDS.map((id) => [
    id,
    { label: LABELS[id] ?? id.charAt(0).toUpperCase() + id.slice(1), apiKey: true, baseUrl: 'optional', ...SPECIAL[id] } satisfies ProviderPreset,
  ]),
) as Record<ProviderId, ProviderPreset>;

export { PROVIDER_IDS, type ProviderId };
