import type { UpstreamCredentials } from '../../lambdas/providers/types.js';
import type { ProviderId } from '../../lambdas/provider-ids.js';
import type { ChatRequest } from '../../lambdas/providers/types.js';

/** Credentials as the key resolver hands them to an adapter (no adapter reads the key id, so it is fixed). */
export function credentials(provider: ProviderId, name: string, apiKey: string, where: { baseUrl?: string; region?: string } = {}): UpstreamCredentials {
  return { providerKeyId: 'pk1', name, provider, apiKey, ...where };
}

/** A ChatRequest as the router hands it to an adapter: streamed when the body says so, usage not requested. */
export function chatRequestFor(providerKeyName: string, model: string, body: Record<string, unknown>, over: Partial<ChatRequest> = {}): ChatRequest {
  return { body, providerKeyName, model, stream: body.stream === true, includeUsage: false, ...over };
}
