import { jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { AVATAR_MAX_BYTES } from '../../lambdas/profile/avatar-storage.js';
import { s3ClientFor } from '../../lambdas/profile/s3-avatar-storage.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { OBJECT_EVENT_MODULES } from '../../lib/local/handler-modules.js';
import { startLocalS3, type LocalS3 } from '../../lib/local/s3-local.js';
import { GIF, png } from '../support/images.js';
import { call, managementEvent, type ManagementLambda } from '../support/management-event.js';
import { createTestTables } from '../support/tables.js';
import { until } from '../support/until.js';

const BUCKET = 'roukey-test-avatars';
let tables: Record<TableName, string>;
let db: DynamoDBDocumentClient;
let s3: LocalS3;
let s3Dir: string;
let me: ManagementLambda;
let consent: ManagementLambda;
let avatar: ManagementLambda;
let apiKeys: ManagementLambda;
const handled: string[] = [];

beforeAll(async () => {
  ({ tables } = await createTestTables());
  const dir = mkdtempSync(join(tmpdir(), 'roukey-profile-'));
  writeFileSync(join(dir, 'keyring'), randomBytes(32), { mode: 0o600 });
  s3Dir = join(dir, 's3');
  // The same handler S3 invokes in AWS, fed by the local S3 server's events.
  s3 = await startLocalS3({
    directory: s3Dir,
    buckets: [BUCKET],
    subscriptions: [
      {
        bucket: BUCKET,
        prefix: 'incoming/',
        handler: async (event) => {
          await (await OBJECT_EVENT_MODULES['avatar-upload']()).handler(event);
          handled.push(...event.Records.map((r) => r.s3.object.key));
        },
      },
    ],
  });
  Object.assign(process.env, {
    LOCAL_KEYRING_FILE: join(dir, 'keyring'),
    COGNITO_USER_POOL_ID: 'local_pool1',
    COGNITO_CLIENT_ID: 'client1',
    // Nothing listens here: the profile shows what the pool would add (sign-in methods) as unknown.
    COGNITO_ENDPOINT: 'http://127.0.0.1:9',
    AVATAR_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
  });
  me = (await import('../../lambdas/handlers/me.js')).handler;
  consent = (await import('../../lambdas/handlers/me-consent.js')).handler;
  avatar = (await import('../../lambdas/handlers/me-avatar.js')).handler;
  apiKeys = (await import('../../lambdas/handlers/api-keys.js')).handler;
  db = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.DYNAMODB_ENDPOINT!));
});

afterAll(async () => {
  await s3.stop();
  await rm(s3Dir, { recursive: true, force: true });
});

const giveConsent = (sub: string, policyVersion = POLICY_VERSION) =>
  call(consent, managementEvent('POST', '/v1/me/consent', { sub, body: { policyVersion, over13: true } }));

jest.setTimeout(30_000);

/** Whether the bucket holds `key`, asked with the S3 API. */
async function exists(key: string): Promise<boolean> {
  const client = s3ClientFor({ region: 'us-east-1', endpoint: s3.endpoint });
  try {
    await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'NotFound') return false;
    throw err;
  } finally {
    client.destroy();
  }
}

describe('consent (P24, P25)', () => {
  it('P24: a new user gets 403 consent_required outside /v1/me until they confirm 13+ and accept the current policy', async () => {
    const sub = randomUUID();
    const refused = await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'consent_required', type: 'permission_error' });
    expect(refused.body.error.message).toContain(POLICY_VERSION);

    const profile = await call(me, managementEvent('GET', '/v1/me', { sub }));
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ consentRequired: true, consent: null, currentPolicyVersion: POLICY_VERSION, policyUpdate: false });

    const under13 = await call(consent, managementEvent('POST', '/v1/me/consent', { sub, body: { policyVersion: POLICY_VERSION, over13: false } }));
    expect(under13.status).toBe(400);
    expect(under13.body.error.param).toBe('over13');
    const stale = await giveConsent(sub, '1999-01-01');
    expect(stale.status).toBe(400);
    expect(stale.body.error).toMatchObject({ param: 'policyVersion', code: 'policy_version_mismatch' });
    expect((await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).status).toBe(403);

    const given = await giveConsent(sub);
    expect(given).toEqual({ status: 201, body: { object: 'consent', policyVersion: POLICY_VERSION, over13: true, acceptedAt: expect.any(String) } });
    // Within the account-state cache's lifetime too: a refusal re-reads the account before it stands.
    expect((await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).status).toBe(200);
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).body).toMatchObject({
      consentRequired: false,
      policyUpdate: false,
      consent: { policyVersion: POLICY_VERSION, over13: true, acceptedAt: given.body.acceptedAt },
    });
  });

  it('P25: consent to an older policy version is flagged as policyUpdate until the user accepts again; every acceptance is kept', async () => {
    const sub = randomUUID();
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).status).toBe(200);
    const repo = createAccountRepository(db, tables.accounts);
    const accountId = (await repo.findAccountId(sub, { consistent: true }))!;
    await repo.recordConsent(accountId, { policyVersion: '2020-01-01', over13: true, acceptedAt: '2020-01-02T00:00:00.000Z', source: 'api' });

    const flagged = await call(me, managementEvent('GET', '/v1/me', { sub }));
    expect(flagged.body).toMatchObject({ policyUpdate: true, consentRequired: false, consent: { policyVersion: '2020-01-01' } });
    // An older acceptance still counts as consent: the notice asks again, the management API keeps working.
    expect((await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).status).toBe(200);

    expect((await giveConsent(sub)).status).toBe(201);
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).body).toMatchObject({ policyUpdate: false, consent: { policyVersion: POLICY_VERSION } });
    expect((await repo.consentHistory(accountId)).map((c) => c.policyVersion)).toEqual(['2020-01-01', POLICY_VERSION]);
  });
});

describe('profile and preferences (P17, P19, P21)', () => {
  it('P17/P19: GET shows defaults; PATCH changes each field, keeps the others, and validates without writing', async () => {
    const sub = randomUUID();
    const initial = await call(me, managementEvent('GET', '/v1/me', { sub }));
    expect(initial.body).toMatchObject({
      object: 'me',
      displayName: null,
      avatarUrl: null,
      plan: 'free',
      preferences: {
        timezone: 'UTC',
        language: 'en',
        dashboard: { defaultDateRange: '7d', theme: 'system' },
        notifications: { productUpdates: false, security: true, billing: true },
      },
    });

    const patched = await call(
      me,
      managementEvent('PATCH', '/v1/me', { sub, body: { displayName: ' Ada ', timezone: 'Europe/Berlin', dashboard: { theme: 'dark' } } }),
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      displayName: 'Ada',
      preferences: { timezone: 'Europe/Berlin', language: 'en', dashboard: { theme: 'dark', defaultDateRange: '7d' } },
    });
    const again = await call(me, managementEvent('PATCH', '/v1/me', { sub, body: { language: 'de', notifications: { productUpdates: true } } }));
    expect(again.body).toMatchObject({
      displayName: 'Ada',
      preferences: { timezone: 'Europe/Berlin', language: 'de', notifications: { productUpdates: true, billing: true, security: true } },
    });

    for (const [body, param] of [
      [{ timezone: 'Mars/Base' }, 'timezone'],
      [{ language: 'klingon' }, 'language'],
      [{ notifications: { security: false } }, 'notifications.security'],
      [{ dashboard: { defaultDateRange: '1y' } }, 'dashboard.defaultDateRange'],
      [{ plan: 'enterprise' }, 'plan'],
    ] as const) {
      const res = await call(me, managementEvent('PATCH', '/v1/me', { sub, body }));
      expect(res.status).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
    expect((await call(me, managementEvent('PATCH', '/v1/me', { sub, body: { displayName: null } }))).body.displayName).toBeNull();

    // Stored on the PROFILE item under `preferences`, where usage analytics read the timezone.
    const repo = createAccountRepository(db, tables.accounts);
    const stored = await repo.profileRecord((await repo.findAccountId(sub, { consistent: true }))!);
    expect(stored?.preferences.timezone).toBe('Europe/Berlin');
  });

  it('concurrent PATCHes of different fields both land', async () => {
    const sub = randomUUID();
    await call(me, managementEvent('GET', '/v1/me', { sub }));
    await Promise.all([
      call(me, managementEvent('PATCH', '/v1/me', { sub, body: { timezone: 'Asia/Tokyo' } })),
      call(me, managementEvent('PATCH', '/v1/me', { sub, body: { language: 'fr' } })),
      call(me, managementEvent('PATCH', '/v1/me', { sub, body: { dashboard: { theme: 'light' } } })),
    ]);
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).body.preferences).toMatchObject({
      timezone: 'Asia/Tokyo',
      language: 'fr',
      dashboard: { theme: 'light' },
    });
  });
});

describe('avatar (P17, P22)', () => {
  async function upload(sub: string, bytes: Uint8Array, contentType = 'image/png'): Promise<{ key: string; status: number }> {
    const form = await call(avatar, managementEvent('POST', '/v1/me/avatar', { sub, body: { contentType } }));
    expect(form.status).toBe(201);
    expect(form.body).toMatchObject({ object: 'avatar_upload', maxBytes: AVATAR_MAX_BYTES, fields: { 'Content-Type': contentType } });
    const body = new FormData();
    for (const [name, value] of Object.entries(form.body.fields as Record<string, string>)) body.append(name, value);
    body.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }));
    const res = await fetch(form.body.url, { method: 'POST', body });
    return { key: form.body.fields.key, status: res.status };
  }

  it('P17: an upload form only for png, jpeg or webp; its policy names the type and limits the size to 1 MB', async () => {
    const sub = randomUUID();
    const gif = await call(avatar, managementEvent('POST', '/v1/me/avatar', { sub, body: { contentType: 'image/gif' } }));
    expect(gif.status).toBe(400);
    expect(gif.body.error.param).toBe('contentType');
    const form = await call(avatar, managementEvent('POST', '/v1/me/avatar', { sub, body: { contentType: 'image/webp' } }));
    const policy = JSON.parse(Buffer.from(form.body.fields.Policy, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([['content-length-range', 1, AVATAR_MAX_BYTES], ['eq', '$Content-Type', 'image/webp'], { key: form.body.fields.key }]),
    );
    // The key is the server's choice, under the caller's own account.
    expect(form.body.fields.key).toMatch(/^incoming\/acc_[A-Za-z0-9_-]+\/[A-Za-z0-9_-]{22}$/);
  });

  it('P17: a valid image becomes the avatar (shown by a short-lived link); the upload itself is gone', async () => {
    const sub = randomUUID();
    const image = png(128, 96);
    const { key, status } = await upload(sub, image);
    expect(status).toBeLessThan(300);
    await until(
      async () => handled.includes(key),
      (done) => done,
    );
    const profile = await call(me, managementEvent('GET', '/v1/me', { sub }));
    expect(profile.body.avatarSource).toBe('upload');
    const link = new URL(profile.body.avatarUrl);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('900');
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(Buffer.from(image));
    expect(await exists(key)).toBe(false);

    // DELETE removes it; the profile shows no avatar again.
    expect((await call(avatar, managementEvent('DELETE', '/v1/me/avatar', { sub }))).status).toBe(204);
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).body).toMatchObject({ avatarUrl: null, avatarSource: null });
    expect((await fetch(link)).status).toBe(404);
  });

  it('P17: uploads the local server lets through despite the policy (too large, not an image, too many pixels) are deleted, never shown', async () => {
    const sub = randomUUID();
    const refused = [await upload(sub, Buffer.concat([png(10, 10), Buffer.alloc(AVATAR_MAX_BYTES)])), await upload(sub, GIF), await upload(sub, png(2048, 8))];
    await until(
      async () => refused.every((r) => handled.includes(r.key)),
      (done) => done,
    );
    for (const { key } of refused) {
      expect(handled).toContain(key);
      expect(await exists(key)).toBe(false);
    }
    expect((await call(me, managementEvent('GET', '/v1/me', { sub }))).body.avatarUrl).toBeNull();
  });
});
