import { z } from 'zod';
import { ApiError } from './errors.js';

/** The query parameters of a paged listing: `?cursor=` (the previous page's next_cursor) and `?limit=` (1-100). */
export const pageQueryShape = {
  cursor: z.string().optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(100, { error: 'must be at most 100' })
    .optional(),
};

/** Longest cursor accepted: every cursor RouKey hands out is far shorter. */
const MAX_CURSOR_LENGTH = 512;

/** A page position as an opaque token for `?cursor=`: its JSON, base64url. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor holds; anything that is not a cursor RouKey made (altered, truncated, made up) is a 400. */
export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.infer<S> {
  let position: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  // Only the exact text RouKey made: base64 lets some altered texts decode to the same bytes.
  if (encodeCursor(position) !== cursor) throw invalidCursor();
  const parsed = schema.safeParse(position);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

export function invalidCursor(): ApiError {
  return new ApiError('invalid_request', "Invalid 'cursor': pass the next_cursor of the previous page unchanged.", { param: 'cursor' });
}
