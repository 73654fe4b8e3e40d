import type { z } from 'zod';
import { ApiError } from './errors.js';
import { MAX_REQUEST_BYTES } from '../handlers/routes.js';

/** Parses a JSON body: too large → 413, not JSON → 400. The parser's message is not echoed (it quotes input). */
export function parseJsonBody(body: string | null, isBase64Encoded = false): unknown {
  const text = body === null ? '' : isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES) throw new ApiError('payload_too_large', 'Request body is larger than 10 MB.');
  if (text.trim() === '') throw new ApiError('invalid_request', 'Request body must be a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError('invalid_request', 'Request body is not valid JSON.');
  }
}

/** Validates with zod; the first issue becomes a 400 whose `param` names the field and whose message says why. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const path = [...issue.path.map(String), ...(unknownKey ? [unknownKey] : [])];
  const param = path.length > 0 ? path.join('.') : undefined;
  // zod's messages describe the expectation, never the received value, so they are safe to return.
  const message = param ? `Invalid '${param}': ${issue.message}` : issue.message;
  throw new ApiError('invalid_request', message, { param });
}
