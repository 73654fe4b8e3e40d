import { ApiError } from '../../../lambdas/http/errors.js';
import { assertJsonDepth, MAX_JSON_DEPTH, parseRequestJson } from '../../../lambdas/http/request-json.js';
import { expectThrown } from '../../support/thrown.js';

/** `depth` arrays inside each other, inside a chat body's message (the body itself is one more level). */
const nested = (depth: number, open = '[', close = ']', inner = '') =>
  `{"model":"a/b","messages":[{"role":"user","content":"hi","x":${open.repeat(depth)}${inner}${close.repeat(depth)}}]}`;

describe('request JSON', () => {
  it('parses a body nested exactly to the limit, and refuses one level more with a 400 naming the limit', () => {
    // body (1) → messages (2) → message (3) → x: MAX - 3 more levels.
    expect(() => parseRequestJson(nested(MAX_JSON_DEPTH - 3))).not.toThrow();
    const err = expectThrown(ApiError, () => parseRequestJson(nested(MAX_JSON_DEPTH - 2)));
    expect(err.toBody()).toEqual({
      error: {
        message: `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`,
        type: 'invalid_request_error',
        param: null,
        code: 'json_too_deep',
      },
    });
  });

  it('refuses objects nested as deep as an attacker likes (4,100 levels in 8 KB, and a million) without overflowing the stack', () => {
    for (const depth of [4_100, 1_000_000]) {
      expect(expectThrown(ApiError, () => parseRequestJson(nested(depth))).options.code).toBe('json_too_deep');
      expect(expectThrown(ApiError, () => parseRequestJson(nested(depth, '{"a":', '}', '1'))).options.code).toBe('json_too_deep');
    }
  });

  it('counts depth on every branch, not only the first, and treats scalars and null as no depth', () => {
    const wide = { a: 1, b: [null, 'x', { c: [[[]]] }] };
    expect(() => assertJsonDepth(wide, 6)).not.toThrow();
    expect(() => assertJsonDepth(wide, 5)).toThrow(ApiError);
    expect(() => assertJsonDepth('text', 0)).not.toThrow();
    expect(() => assertJsonDepth(null, 0)).not.toThrow();
  });

  it('says a body that is not JSON is not JSON, without quoting it', () => {
    const err = expectThrown(ApiError, () => parseRequestJson('{"secret": nope'));
    expect(err.toBody().error).toMatchObject({ message: 'The request body is not valid JSON.', code: 'invalid_request' });
    expect(JSON.stringify(err.toBody())).not.toContain('secret');
    expect(expectThrown(ApiError, () => parseRequestJson(null)).status).toBe(400);
  });
});
