import type { Writable } from 'node:stream';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AccessTokenVerifier } from '../../lambdas/auth/access-token-verifier.js';
import type { GatewayParts } from '../../lambdas/gateway/container.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import type { HandlerModules } from '../../lib/local/handler-modules.js';
import { installLambdaStreamingGlobals } from '../../lib/local/lambda-streaming.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';

const CANARY = 'CANARY-local-server-7f3a';
const events: APIGatewayProxyEvent[] = [];
/** What the server handed to the router modules' composition hook. */
const composed: GatewayParts[] = [];
const PARTS: GatewayParts = { activity: { recordRequest: async () => undefined } };

/** Handlers standing in for the real ones, so these tests pin the server's own behaviour. */
function handlerModules(): HandlerModules {
  const g = globalThis as unknown as {
    awslambda: { streamifyResponse: (h: unknown) => unknown; HttpResponseStream: { from(s: Writable, p: object): Writable } };
  };
  return {
    'chat-completions': async () => ({
      handler: g.awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, stream: Writable) => {
        events.push(event);
        const out = g.awslambda.HttpResponseStream.from(stream, { statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
        out.write('data: 1\n\n');
        out.end('data: [DONE]\n\n');
      }),
    }),
    messages: async () => ({ handler: async () => ({ statusCode: 204, body: '' }), composeGateway: (parts: GatewayParts) => void composed.push(parts) }),
    models: async () => ({
      handler: async () => {
        throw new Error(`upstream said ${CANARY}`);
      },
    }),
    'auth-config': async () => ({
      handler: async () => ({
        statusCode: 200,
        headers: { 'x-one': 1 },
        multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
        body: Buffer.from('{"ok":true}').toString('base64'),
        isBase64Encoded: true,
      }),
    }),
    'provider-keys': async () => ({ handler: async (event: APIGatewayProxyEvent) => (events.push(event), { statusCode: 204, body: '' }) }),
    'api-keys': async () => ({ handler: async () => ({ nope: true }) }),
    configs: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    roles: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'security-events': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'admin-invitations': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'admin-accounts': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'sign-out': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'github-oidc': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
  };
}

const verifier: AccessTokenVerifier = { verify: async (token) => (token === 'good' ? { sub: 'user-1', token_use: 'access' } : undefined) };

let server: LocalServer;
let stderr: string[];
const realWrite = process.stderr.write.bind(process.stderr);
beforeAll(async () => {
  installLambdaStreamingGlobals();
  server = await startLocalServer({ verifier, routes: ROUTES, handlerModules: handlerModules(), gatewayParts: PARTS });
});
beforeEach(() => {
  stderr = [];
  process.stderr.write = ((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = realWrite;
});
afterAll(() => server.close());

describe('local server', () => {
  it('hands its gateway parts to a router module once, as the module loads, before the module serves', async () => {
    expect(composed).toEqual([]);
    expect((await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' })).status).toBe(204);
    await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(composed).toHaveLength(1);
    expect(composed[0]).toBe(PARTS);
  });

  it('P1: a handler that throws gives a 500 in OpenAI shape, and neither the response nor the log carries request content', async () => {
    const res = await fetch(`${server.url}/v1/models?q=${CANARY}`, { headers: { authorization: `Bearer rk_${CANARY}` } });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: 'internal' } });
    expect(JSON.stringify(body)).not.toContain(CANARY);
    expect(stderr.join('')).toContain('handler models failed');
    expect(stderr.join('')).not.toContain(CANARY);
  });

  it('turns a proxy result into status, headers (single and multi-value) and a decoded base64 body', async () => {
    const res = await fetch(`${server.url}/v1/auth/config`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-one')).toBe('1');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers 502 to a malformed proxy result, as API Gateway does', async () => {
    const res = await fetch(`${server.url}/v1/api-keys`, { headers: { authorization: 'Bearer good' } });
    expect(res.status).toBe(502);
  });

  it('streams a streaming handler through LocalResponseStream with the event it was given', async () => {
    events.length = 0;
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('data: 1\n\ndata: [DONE]\n\n');
    expect(events[0]).toMatchObject({ httpMethod: 'POST', resource: '/v1/chat/completions', body: '{"model":"m"}', requestContext: { authorizer: null } });
  });

  it('passes the verified claims and path parameters to a Cognito route', async () => {
    events.length = 0;
    const res = await fetch(`${server.url}/v1/provider-keys/pk-1`, { method: 'DELETE', headers: { authorization: 'Bearer good' } });
    expect(res.status).toBe(204);
    expect(events[0]).toMatchObject({ pathParameters: { id: 'pk-1' }, requestContext: { authorizer: { claims: { sub: 'user-1' } } } });
    const rejected = await fetch(`${server.url}/v1/provider-keys/pk-1`, { method: 'DELETE', headers: { authorization: 'Bearer bad' } });
    expect(rejected.status).toBe(401);
  });
});
