import type { z } from 'zod';
import { UpstreamError } from './types.js';

/**
 * An upstream's JSON answer text checked against its wire schema. What does not parse or fit is an UpstreamError
 * that quotes none of the answer (P1). `source` names the upstream in the message.
 */
export function parseAnswer<S extends z.ZodType>(text: string, schema: S, source = 'The upstream'): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamError({ kind: 'stream', message: `${source} answered with invalid JSON.` });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UpstreamError({ kind: 'stream', message: `${source} answered with an unexpected shape.` });
  return parsed.data;
}
