import { ApiError } from './errors.js';

/**
 * How deeply a request body may nest objects and arrays. Real bodies stay far below it (a tool's JSON schema ten
 * properties deep is about 25 levels); code that walks a body recursively (zod, JSON.stringify, the providers'
 * translations) overflows its stack some thousands of levels down, which a few kilobytes of brackets reach.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * A request body's JSON text, parsed and checked before any recursive code sees it: not JSON, or nested deeper
 * than MAX_JSON_DEPTH, is a 400. V8's JSON.parse is not recursive, so it is safe on any depth. The parser's
 * message is not echoed (it quotes input).
 */
export function parseRequestJson(text: string | null | undefined): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new ApiError('invalid_request', 'The request body is not valid JSON.');
  }
  assertJsonDepth(json);
  return json;
}

/**
 * Refuses a parsed JSON value nested deeper than `maxDepth`. It walks the value one level at a time, without
 * recursion, and visits only objects and arrays: a chat body's bulk is strings, so the walk costs little.
 */
export function assertJsonDepth(value: unknown, maxDepth = MAX_JSON_DEPTH): void {
  let level: object[] = typeof value === 'object' && value !== null ? [value] : [];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > maxDepth) {
      throw new ApiError('invalid_request', `The request body nests objects and arrays more than ${maxDepth} levels deep.`, { code: 'json_too_deep' });
    }
    const next: object[] = [];
    for (const node of level) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) {
          const child: unknown = node[i];
          if (typeof child === 'object' && child !== null) next.push(child);
        }
      } else {
        for (const key in node) {
          const child: unknown = (node as Record<string, unknown>)[key];
          if (typeof child === 'object' && child !== null) next.push(child);
        }
      }
    }
    level = next;
  }
}
