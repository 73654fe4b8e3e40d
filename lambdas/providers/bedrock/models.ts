import type { UpstreamHttpRequest, UpstreamModel, UpstreamResponse } from '../types.js';

/**
 * No model list for bedrock: ListFoundationModels lives on another service (bedrock, not bedrock-runtime) with its
 * own SDK client and permission. Throwing here makes the model lister skip bedrock keys without a network call.
 */
export function buildModelsRequest(): UpstreamHttpRequest {
  throw new Error('bedrock lists no models');
}

export async function readModels(_response: UpstreamResponse): Promise<UpstreamModel[]> {
  return [];
}
