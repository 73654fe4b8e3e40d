import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { z } from 'zod';
import { ApiError } from '../../../lambdas/http/errors.js';
import { managementHandler, route } from '../../../lambdas/http/management-handler.js';

function event(method: string, body?: string, sub: string | null = 'user-1'): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    body: body ?? null,
    isBase64Encoded: false,
    headers: {},
    multiValueHeaders: {},
    path: '/v1/things',
    resource: '/v1/things',
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { authorizer: sub ? { claims: { sub } } : undefined } as APIGatewayProxyEvent['requestContext'],
  };
}
const ctx = {} as Context;

function build() {
  const seen: { accountId: string; body: unknown }[] = [];
  const handler = managementHandler({
    resolveAccount: async (sub) => `acc-of-${sub}`,
    routes: {
      POST: route({
        body: z.strictObject({ name: z.string().min(1), baseUrl: z.url().optional() }),
        handle: ({ accountId, body }) => {
          seen.push({ accountId, body });
          return { status: 201, body: { ok: true } };
        },
      }),
      GET: route({
        handle: () => {
          throw new Error('boom with secret sk-live-XYZ');
        },
      }),
      DELETE: route({
        handle: () => {
          throw new ApiError('not_found', 'No such thing.', { param: 'id' });
        },
      }),
    },
  });
  return { handler, seen };
}

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

describe('managementHandler', () => {
  it('passes the validated body and the caller account to the route', async () => {
    const { handler, seen } = build();
    const res = await handler(event('POST', JSON.stringify({ name: 'x' })), ctx);
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
    expect(res.headers).toMatchObject(HEADERS);
    expect(res.headers?.['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(seen).toEqual([{ accountId: 'acc-of-user-1', body: { name: 'x' } }]);
  });

  it('bad JSON is a 400 that does not echo the body, and the route never runs', async () => {
    const { handler, seen } = build();
    const res = await handler(event('POST', '{"name": "canary-body'), ctx);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('canary-body');
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error', message: 'Request body is not valid JSON.' });
    expect(res.headers).toMatchObject(HEADERS);
    expect(seen).toHaveLength(0);
  });

  it('a schema error is a 400 whose param names the field and whose message says what is wrong', async () => {
    const { handler, seen } = build();
    const res = await handler(event('POST', JSON.stringify({ name: 'x', baseUrl: 'nope' })), ctx);
    expect(res.statusCode).toBe(400);
    const { error } = JSON.parse(res.body);
    expect(error.param).toBe('baseUrl');
    expect(error.message).toContain('baseUrl');
    expect(error.message.toLowerCase()).toContain('url');
    const missing = JSON.parse((await handler(event('POST', '{}'), ctx)).body).error;
    expect(missing.param).toBe('name');
    const extra = JSON.parse((await handler(event('POST', JSON.stringify({ name: 'x', bogus: 1 })), ctx)).body).error;
    expect(extra.param).toBe('bogus');
    expect(seen).toHaveLength(0);
  });

  it('an unknown error is a 500 that reveals nothing', async () => {
    const { handler } = build();
    const res = await handler(event('GET'), ctx);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('sk-live');
    expect(res.body).not.toContain('boom');
    expect(JSON.parse(res.body).error.type).toBe('server_error');
    expect(res.headers).toMatchObject(HEADERS);
  });

  it('ApiErrors keep their status and OpenAI shape', async () => {
    const { handler } = build();
    const res = await handler(event('DELETE'), ctx);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ error: { message: 'No such thing.', type: 'invalid_request_error', param: 'id', code: 'not_found' } });
  });

  it('a missing sub claim is a 401 and an unknown method a 405', async () => {
    const { handler } = build();
    expect((await handler(event('POST', '{"name":"x"}', null), ctx)).statusCode).toBe(401);
    expect((await handler(event('PATCH'), ctx)).statusCode).toBe(405);
  });

  it('a body over 10 MB is a 413', async () => {
    const { handler } = build();
    const res = await handler(event('POST', JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) })), ctx);
    expect(res.statusCode).toBe(413);
  });
});
