import { anthropic } from './anthropic/index.js';
import { bedrock } from './bedrock/index.js';
import { google } from './google/index.js';
import { OPENAI_COMPATIBLE } from './openai/index.js';
import type { ProviderId } from '../provider-ids.js';
import type { ProviderAdapter } from './types.js';

/** Every wire format RouKey speaks; adding a provider is one folder and one line here. */
export const PROVIDERS = { ...OPENAI_COMPATIBLE, anthropic, google, bedrock } as const satisfies Record<ProviderId, ProviderAdapter>;

export function providerAdapter(id: ProviderId): ProviderAdapter {
  return PROVIDERS[id];
}
