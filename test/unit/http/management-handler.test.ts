import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { z } from 'zod';
import type { AccountState } from '../../../lambdas/accounts/account-state.js';
import type { CallerIdentity } from '../../../lambdas/accounts/caller.js';
import { ApiError, forbidden } from '../../../lambdas/http/errors.js';
import { managementHandler, route, type ManagementDeps } from '../../../lambdas/http/management-handler.js';
import { DEFAULT_PLANS } from '../../../lambdas/plans/catalog.js';
import type { SecurityEvent } from '../../../lambdas/security/security-event.js';

function event(method: string, body?: string, sub: string | null = 'user-1', groups?: string): APIGatewayProxyEvent {
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
    requestContext: {
      authorizer: sub ? { claims: { sub, ...(groups ? { 'cognito:groups': groups } : {}) } } : undefined,
      identity: { sourceIp: '203.0.113.4' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}
const ctx = {} as Context;

/** A caller resolver and a recorder standing in for the composition root's, recording what the handler does. */
function fakeDeps(status: AccountState['status'] = 'active') {
  const recorded: SecurityEvent[] = [];
  const identities: CallerIdentity[] = [];
  let flushes = 0;
  const deps: ManagementDeps = {
    callers: {
      resolve: async (identity) => {
        identities.push(identity);
        const accountId = `acc-of-${identity.sub}`;
        return { ...identity, accountId, account: { accountId, plan: 'free', status, limitOverrides: {}, limits: DEFAULT_PLANS.free } };
      },
    },
    securityEvents: { record: (e) => void recorded.push(e), flush: async () => void flushes++ },
  };
  return { deps, recorded, identities, flushes: () => flushes };
}

function build(options: { status?: AccountState['status']; admin?: boolean; adminMfa?: ManagementDeps['adminMfa'] } = {}) {
  const seen: { accountId: string; body: unknown }[] = [];
  const fake = fakeDeps(options.status);
  if (options.adminMfa) Object.assign(fake.deps, { adminMfa: options.adminMfa });
  const handler = managementHandler({
    deps: () => fake.deps,
    admin: options.admin,
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
      PUT: route({
        handle: () => {
          throw forbidden('plan_limit', 'The Free plan allows 3 things; this account has 3.', 'things');
        },
      }),
    },
  });
  return { handler, seen, ...fake };
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
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'invalid_request_error', message: 'The request body is not valid JSON.' });
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

  it('P8: a 403 refusal from a route is recorded as a security event on the caller’s account, with the limit as its code', async () => {
    const { handler, recorded, flushes } = build();
    const res = await handler({ ...event('PUT'), resource: '/v1/things' }, ctx);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ type: 'permission_error', code: 'plan_limit', param: 'things' });
    expect(recorded).toEqual([{ kind: 'plan_limit', code: 'things', accountId: 'acc-of-user-1', route: '/v1/things', sourceIp: '203.0.113.4' }]);
    expect(flushes()).toBe(1);
  });

  it('P8: other errors and successes record nothing, and the recorder is flushed before the Lambda returns', async () => {
    const { handler, recorded, flushes } = build();
    await handler(event('DELETE'), ctx);
    await handler(event('POST', JSON.stringify({ name: 'x' })), ctx);
    expect(recorded).toEqual([]);
    expect(flushes()).toBe(2);
  });

  it('a suspended account gets 403 account_suspended on every method, recorded, and its route never runs', async () => {
    const { handler, seen, recorded } = build({ status: 'suspended' });
    const res = await handler(event('POST', JSON.stringify({ name: 'x' })), ctx);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'account_suspended', type: 'permission_error' });
    expect(seen).toEqual([]);
    expect(recorded).toEqual([{ kind: 'account_suspended', accountId: 'acc-of-user-1', route: '/v1/things', sourceIp: '203.0.113.4' }]);
  });

  it('admin routes: 403 admin_required (recorded) outside the admins group; members get through', async () => {
    const outsider = build({ admin: true });
    const res = await outsider.handler(event('POST', JSON.stringify({ name: 'x' }), 'user-1', 'team'), ctx);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('admin_required');
    expect(outsider.seen).toEqual([]);
    expect(outsider.recorded.map((e) => e.kind)).toEqual(['admin_required']);
    // Refused before its body is read: an outsider learns nothing of what the route accepts.
    expect((await outsider.handler(event('POST', '{"bogus": 1}', 'user-1'), ctx)).statusCode).toBe(403);

    const admin = build({ admin: true });
    expect((await admin.handler(event('POST', JSON.stringify({ name: 'x' }), 'user-1', 'team,admins'), ctx)).statusCode).toBe(201);
    expect(admin.identities).toEqual([{ sub: 'user-1', username: 'user-1', admin: true, named: false }]);
    expect(admin.recorded).toEqual([]);
  });

  it('P16: admin routes ask the MFA gate after the admins check; its 403 mfa_required is recorded, and other routes never ask it', async () => {
    const asked: string[] = [];
    const adminMfa = {
      assert: async (username: string) => {
        asked.push(username);
        throw forbidden('mfa_required', 'Administrators must sign in with TOTP on this deployment.');
      },
    };
    const admin = build({ admin: true, adminMfa });
    const res = await admin.handler(event('POST', JSON.stringify({ name: 'x' }), 'user-1', 'admins'), ctx);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'mfa_required', type: 'permission_error' });
    expect(admin.seen).toEqual([]);
    expect(admin.recorded.map((e) => e.kind)).toEqual(['mfa_required']);
    expect(asked).toEqual(['user-1']);

    // Someone outside the group is refused as before, without asking the gate; a route for everyone never asks it.
    expect(JSON.parse((await admin.handler(event('POST', JSON.stringify({ name: 'x' }), 'user-2', 'team'), ctx)).body).error.code).toBe('admin_required');
    expect((await build({ adminMfa }).handler(event('POST', JSON.stringify({ name: 'x' }), 'user-3', 'admins'), ctx)).statusCode).toBe(201);
    expect(asked).toEqual(['user-1']);
  });
});
