import type { UpstreamFailure, UpstreamResponse } from '../types.js';
import { geminiErrorSchema, type GeminiError } from './wire.js';

/**
 * A Gemini error answer as an UpstreamFailure. Gemini answers 400 (not 401) for an invalid key, with reason
 * API_KEY_INVALID in its details: that is reported as 401 so the gateway treats it as the key's fault.
 */
export async function readFailure(response: UpstreamResponse): Promise<UpstreamFailure> {
  const error = await errorBody(response);
  const message = error?.message ? error.message.slice(0, 1_000) : undefined;
  const status = error && isInvalidKey(error) ? 401 : response.status;
  const retryAfter = response.header('retry-after') ?? retryDelaySeconds(error);
  return { kind: 'http', status, message, retryAfter };
}

async function errorBody(response: UpstreamResponse): Promise<GeminiError['error'] | undefined> {
  try {
    const parsed = geminiErrorSchema.safeParse(JSON.parse(await response.text()));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined; // Not JSON: the status alone decides.
  }
}

function isInvalidKey(error: GeminiError['error']): boolean {
  return (error.details ?? []).some((d) => d.reason === 'API_KEY_INVALID');
}

/** Gemini's 429s carry a google.rpc.RetryInfo detail (`"retryDelay": "36s"`) rather than a Retry-After header. */
function retryDelaySeconds(error: GeminiError['error'] | undefined): string | undefined {
  const delay = error?.details?.find((d) => d.retryDelay !== undefined)?.retryDelay;
  const seconds = delay === undefined ? undefined : /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1];
  return seconds === undefined ? undefined : String(Math.ceil(Number(seconds)));
}
