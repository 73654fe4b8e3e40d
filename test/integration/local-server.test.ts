import { once } from 'node:events';
import { connect } from 'node:net';
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
    responses: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    embeddings: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
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
    usage: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    requests: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'provider-metrics': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'admin-invitations': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'admin-accounts': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'admin-product-updates': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'sign-out': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-plan': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    me: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-consent': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-avatar': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-email': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-export': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'me-deletion': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'deletion-status': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'github-oidc': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    billing: async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
    'billing-webhook': async () => ({ handler: async () => ({ statusCode: 204, body: '' }) }),
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

/** One response read off a raw connection, and whether the connection was reset while the request was being sent. */
interface RawExchange {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
  readonly resetWhileSending: boolean;
}

/**
 * Sends `parts` over a raw connection one after the other, as a client that sends its whole request before it
 * reads would, then reads one response (to its content-length).
 */
function rawExchange(url: string, parts: readonly (string | Buffer)[]): Promise<RawExchange> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = Buffer.alloc(0);
    let sent = false;
    let resetWhileSending = false;
    const tryParse = () => {
      const end = received.indexOf('\r\n\r\n');
      if (!sent || end === -1) return;
      const headers = received.subarray(0, end).toString('latin1');
      const length = Number(/content-length: *(\d+)/i.exec(headers)?.[1] ?? NaN);
      const body = received.subarray(end + 4);
      if (body.length < length) return;
      socket.destroy();
      resolve({ status: Number(headers.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8'), resetWhileSending });
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!sent) resetWhileSending = true;
      else reject(err);
    });
    socket.once('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) break;
        if (!socket.write(part)) await once(socket, 'drain').catch(() => undefined);
      }
      sent = true;
      tryParse();
    });
  });
}

const MIB = 1024 * 1024;

describe('local server: its own protocol errors, in OpenAI shape, read by a client that sends its whole request first', () => {
  function expectOpenAIError(exchange: RawExchange, status: number, code: string): void {
    expect(exchange.resetWhileSending).toBe(false);
    expect(exchange.status).toBe(status);
    expect(exchange.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(exchange.body)).toEqual({ error: { message: expect.any(String), type: expect.any(String), param: null, code } });
  }

  it('431 for a 17 KB header, though the client goes on sending headers and a body', async () => {
    const exchange = await rawExchange(server.url, [
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n`,
      `Content-Type: application/json\r\nContent-Length: ${MIB}\r\n\r\n`,
      Buffer.alloc(MIB, 0x61),
    ]);
    expectOpenAIError(exchange, 431, 'request_header_fields_too_large');
  });

  it('400 for a malformed request line', async () => {
    expectOpenAIError(await rawExchange(server.url, ['GET /v1/models HTTP/1.1 nonsense\r\nHost: x\r\n\r\n']), 400, 'malformed_request');
    expectOpenAIError(await rawExchange(server.url, ['\u0001\u0002 / HTTP/1.1\r\n\r\n']), 400, 'malformed_request');
  });

  it('413 for a declared 12 MB body, read by the client after it has sent all of it', async () => {
    const exchange = await rawExchange(server.url, [
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${12 * MIB}\r\n\r\n`,
      ...Array.from({ length: 12 }, () => Buffer.alloc(MIB, 0x61)),
    ]);
    expectOpenAIError(exchange, 413, 'payload_too_large');
    expect(exchange.headers).toMatch(/connection: close/i);
  });

  it('413 for a chunked body that grows past 10 MB, read by the client after its last chunk', async () => {
    const chunk = Buffer.concat([Buffer.from(`${MIB.toString(16)}\r\n`), Buffer.alloc(MIB, 0x61), Buffer.from('\r\n')]);
    const exchange = await rawExchange(server.url, [
      'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 12 }, () => chunk),
      '0\r\n\r\n',
    ]);
    expectOpenAIError(exchange, 413, 'payload_too_large');
  });
});
