import { jest } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { MAX_REQUEST_BYTES } from '../../lambdas/handlers/routes.js';
import { localConfigSchema } from '../../lib/local/local-config.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';

jest.setTimeout(60_000);

let t: TestLocalRuntime;
beforeAll(async () => {
  t = await startTestLocalRuntime();
});
afterAll(async () => {
  await t?.stop();
});

function expectOpenAIError(body: unknown, code: string): void {
  expect(body).toEqual({ error: { message: expect.any(String), type: expect.any(String), param: null, code } });
}

/** Sends a declared length without the body, to see the server answer before reading it. */
function postDeclaringLength(url: string, length: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(length) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write('{');
  });
}

describe('local runtime', () => {
  it('writes local.json with the documented shape, the master key once with mode 0600', async () => {
    const written = JSON.parse(await readFile(join(t.dataDir, 'local.json'), 'utf8'));
    expect(localConfigSchema.strict().parse(written)).toEqual(t.runtime.config);
    expect(Object.keys(written).sort()).toEqual(
      ['cognitoEndpoint', 'devUser', 'dynamodbEndpoint', 'gatewayUrl', 'region', 's3Endpoint', 'tables', 'userPoolClientId', 'userPoolId'].sort(),
    );
    expect(written.devUser.email).toBe('dev@roukey.local');
    expect(written.gatewayUrl).toBe(t.runtime.gatewayUrl);
    const key = await stat(join(t.dataDir, 'master.key'));
    expect(key.size).toBe(32);
    expect(key.mode & 0o777).toBe(0o600);
  });

  it('sets the environment the handlers read', () => {
    expect(process.env.TABLE_ACCOUNTS).toBe(t.runtime.config.tables.accounts);
    expect(process.env.COGNITO_USER_POOL_ID).toBe(t.runtime.config.userPoolId);
    expect(process.env.COGNITO_CLIENT_ID).toBe(t.runtime.config.userPoolClientId);
    expect(process.env.ALLOW_LOOPBACK_BASE_URL).toBe('true');
    expect(process.env.LOCAL_KEYRING_FILE).toBe(join(t.dataDir, 'master.key'));
  });

  it('answers an unknown path with 404 and a wrong method with 405, in OpenAI shape', async () => {
    const notFound = await fetch(`${t.runtime.gatewayUrl}/v1/nope`);
    expect(notFound.status).toBe(404);
    expectOpenAIError(await notFound.json(), 'not_found');
    const wrongMethod = await fetch(`${t.runtime.gatewayUrl}/v1/models`, { method: 'PUT' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expectOpenAIError(await wrongMethod.json(), 'method_not_allowed');
  });

  it('answers 413 to a body over 10 MB without reading it', async () => {
    const declared = await postDeclaringLength(`${t.runtime.gatewayUrl}/v1/chat/completions`, MAX_REQUEST_BYTES + 1);
    expect(declared.status).toBe(413);
    expectOpenAIError(JSON.parse(declared.body), 'payload_too_large');
  });

  it('answers 413 to a chunked body that grows past 10 MB', async () => {
    const big = new Uint8Array(MAX_REQUEST_BYTES + 1024).fill(0x61);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 1 << 20) controller.enqueue(big.subarray(i, i + (1 << 20)));
        controller.close();
      },
    });
    const res = await fetch(`${t.runtime.gatewayUrl}/v1/chat/completions`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expectOpenAIError(await res.json(), 'payload_too_large');
  });

  it('rejects a Cognito route without a token, and with a bad one, with 401', async () => {
    const missing = await fetch(`${t.runtime.gatewayUrl}/v1/provider-keys`);
    expect(missing.status).toBe(401);
    expectOpenAIError(await missing.json(), 'unauthenticated');
    const [header, payload] = t.accessToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const token of ['not-a-jwt', forged]) {
      const bad = await fetch(`${t.runtime.gatewayUrl}/v1/provider-keys`, { headers: { authorization: `Bearer ${token}` } });
      expect(bad.status).toBe(401);
      expectOpenAIError(await bad.json(), 'unauthenticated');
    }
  });

  it("lets the dev user's access token through the authorizer to the handler", async () => {
    const res = await fetch(`${t.runtime.gatewayUrl}/v1/provider-keys`, { headers: { authorization: `Bearer ${t.accessToken}` } });
    // The handler may still be a placeholder (501); what matters is that the authorizer passed the request on.
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(404);
  });

  it('binds the gateway and cognito-local to loopback only', async () => {
    for (const url of [t.runtime.gatewayUrl, t.runtime.config.cognitoEndpoint]) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      const external = Object.values(networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (!external) continue;
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(url).port), external.address);
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });
});
