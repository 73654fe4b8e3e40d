import type { z } from 'zod';
import { ApiError } from './errors.js';
import { parseOrThrow } from './zod-errors.js';
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
  return parseOrThrow(schema, value, { management: true });
}
