import { jest } from '@jest/globals';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { readMail } from '../../lib/local/mail-outbox.js';
import { png } from '../support/images.js';
import { startTestLocalRuntime, type TestLocalRuntime } from '../support/local-runtime.js';
import { until } from '../support/until.js';

jest.setTimeout(90_000);

let local: TestLocalRuntime;

beforeAll(async () => {
  local = await startTestLocalRuntime();
});

afterAll(async () => {
  await local?.stop();
});

async function mgmt(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${local.runtime.gatewayUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${local.accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('npm start: profile, consent, avatar, email', () => {
  it('P24/P25: the dev user was created with consent to the current policy, and its profile shows it', async () => {
    const me = await mgmt('GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      email: 'dev@roukey.local',
      plan: 'enterprise',
      signInMethods: ['password'],
      consent: { policyVersion: POLICY_VERSION, over13: true },
      consentRequired: false,
      policyUpdate: false,
    });
    expect((await mgmt('GET', '/v1/api-keys')).status).toBe(200);
  });

  it('P17: an avatar uploaded with the presigned form reaches the local S3 server, is checked by its event, and is shown', async () => {
    const form = await mgmt('POST', '/v1/me/avatar', { contentType: 'image/png' });
    expect(form.status).toBe(201);
    // The form posts to the local S3 server on loopback, never to a filesystem path.
    expect(new URL(form.json.url).hostname).toBe('127.0.0.1');
    const body = new FormData();
    for (const [name, value] of Object.entries(form.json.fields as Record<string, string>)) body.append(name, value);
    body.append('file', new Blob([new Uint8Array(png(200, 200))], { type: 'image/png' }));
    expect((await fetch(form.json.url, { method: 'POST', body })).status).toBeLessThan(300);

    const me = await until(
      () => mgmt('GET', '/v1/me'),
      (res) => res.json.avatarUrl !== null,
    );
    expect(me.json.avatarSource).toBe('upload');
    const picture = await fetch(me.json.avatarUrl);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect((await mgmt('DELETE', '/v1/me/avatar')).status).toBe(204);
    expect((await mgmt('GET', '/v1/me')).json.avatarUrl).toBeNull();
  });

  it('P19: an email change is verified with the code Cognito mails, then the profile shows the new address', async () => {
    const started = await mgmt('POST', '/v1/me/email', { email: 'dev2@roukey.local' });
    expect(started.status).toBe(202);
    const mail = await until(
      async () => (await readMail(local.runtime.mailDir)).find((m) => m.to === 'dev2@roukey.local'),
      (found) => found !== undefined,
    );
    const code = /(\d{4,10})/.exec(mail?.body ?? '')?.[1];
    expect(code).toBeDefined();
    expect((await mgmt('POST', '/v1/me/email/verify', { code: '000000' === code ? '111111' : '000000' })).json.error?.code).toBe('invalid_code');
    const verified = await mgmt('POST', '/v1/me/email/verify', { code });
    expect(verified.status).toBe(200);
    expect(verified.json.email).toBe('dev2@roukey.local');
  });
});
