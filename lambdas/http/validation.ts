import type { z } from 'zod';
import { ApiError } from './errors.js';
import { parseOrThrow } from './zod-errors.js';
import { MAX_REQUEST_BYTES } from '../handlers/routes.js';
import { parseRequestJson } from './request-json.js';

/** Parses a JSON body: too large → 413, not JSON or nested too deeply → 400 (request-json.ts). */
export function parseJsonBody(body: string | null, isBase64Encoded = false): unknown {
  const text = body === null ? '' : isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_REQUEST_BYTES) throw new ApiError('payload_too_large', 'Request body is larger than 10 MB.');
  if (text.trim() === '') throw new ApiError('invalid_request', 'Request body must be a JSON object.');
  return parseRequestJson(text);
}

/** Validates with zod; the first issue becomes a 400 whose `param` names the field and whose message says why. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  return parseOrThrow(schema, value, { management: true });
}
