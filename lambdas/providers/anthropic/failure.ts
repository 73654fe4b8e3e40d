import type { UpstreamFailure, UpstreamResponse } from '../types.js';
import { anthropicErrorSchema } from './wire.js';

/**
 * An Anthropic error response as an UpstreamFailure. The status decides the mapping (gateway/client-errors.ts):
 * 529 `overloaded_error` is a 5xx like any other, so it becomes a retryable 502; 429 keeps its Retry-After.
 */
export async function readFailure(response: UpstreamResponse): Promise<UpstreamFailure> {
  let message: string | undefined;
  try {
    const parsed = anthropicErrorSchema.safeParse(JSON.parse(await response.text()));
    const candidate = parsed.success ? parsed.data.error.message : undefined;
    if (candidate) message = candidate.slice(0, 1_000);
  } catch {
    // Not JSON: the status alone decides.
  }
  return { kind: 'http', status: response.status, message, retryAfter: response.header('retry-after') };
}
