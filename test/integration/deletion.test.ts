import { jest } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { DeletionInterrupted, runDeletion, type DeletionJobDeps } from '../../lambdas/deletion/deletion-job.js';
import { accountBuckets, createS3AccountObjects } from '../../lambdas/deletion/s3-account-objects.js';
import { s3ClientFor } from '../../lambdas/profile/s3-avatar-storage.js';
import { ITEM as ACCOUNT_ITEM } from '../../lambdas/store/accounts-items.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createDeletionRecords, createDeletionStore, ITEM as DELETION_ITEM } from '../../lambdas/store/deletion-items.js';
import { ITEM as LEDGER_ITEM } from '../../lambdas/store/ledger-items.js';
import { ITEM as LIMITS_ITEM } from '../../lambdas/store/limits-items.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { startLocalEventBus, type LocalEventBus } from '../../lib/local/event-bus.js';
import { startLocalS3, type LocalS3 } from '../../lib/local/s3-local.js';
import { call, managementEvent, type ManagementLambda } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';

jest.setTimeout(120_000);

const AVATARS = 'roukey-test-del-avatars';
/** The exports bucket's local name (the export feature creates it in the runtime; here the test does). */
const EXPORTS = 'roukey-local-exports';

let endpoint: string;
let tables: Record<TableName, string>;
let db: DynamoDBDocumentClient;
let s3: LocalS3;
let s3Client: S3Client;
let bus: LocalEventBus;
let dir: string;
let deletion: ManagementLambda;
let status: ManagementLambda;
let apiKeys: ManagementLambda;
let consent: ManagementLambda;
const published: string[] = [];

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  dir = mkdtempSync(join(tmpdir(), 'roukey-deletion-'));
  writeFileSync(join(dir, 'keyring'), randomBytes(32), { mode: 0o600 });
  s3 = await startLocalS3({ directory: join(dir, 's3'), buckets: [AVATARS] });
  s3Client = s3ClientFor({ region: 'us-east-1', endpoint: s3.endpoint });
  await s3Client.send(new CreateBucketCommand({ Bucket: EXPORTS }));
  // Events are recorded, not run: these tests run the job themselves, to stop and resume it.
  bus = await startLocalEventBus({
    jobs: { 'deletion.requested': async () => async (event) => void published.push((event.detail as { deletionId: string }).deletionId) },
  });
  Object.assign(process.env, {
    LOCAL_KEYRING_FILE: join(dir, 'keyring'),
    COGNITO_USER_POOL_ID: 'local_pool1',
    COGNITO_CLIENT_ID: 'client1',
    // Nothing listens here: the pool cannot be asked, so new accounts are created as before (fail open).
    COGNITO_ENDPOINT: 'http://127.0.0.1:9',
    AVATAR_BUCKET: AVATARS,
    S3_ENDPOINT: s3.endpoint,
    EVENTBRIDGE_ENDPOINT: bus.endpoint,
    EVENT_BUS_NAME: 'roukey-test',
  });
  deletion = (await import('../../lambdas/handlers/me-deletion.js')).handler;
  status = (await import('../../lambdas/handlers/deletion-status.js')).handler;
  apiKeys = (await import('../../lambdas/handlers/api-keys.js')).handler;
  consent = (await import('../../lambdas/handlers/me-consent.js')).handler;
  db = DynamoDBDocumentClient.from(localDynamoDbClient(endpoint), { marshallOptions: { removeUndefinedValues: true } });
});

afterAll(async () => {
  s3Client?.destroy();
  await bus?.stop();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A management event for `sub` whose access token says the user signed in `ageSeconds` ago. */
function signedIn(sub: string, ageSeconds: number, method: string, resource: string, options: { body?: unknown; params?: Record<string, string> } = {}) {
  const event = managementEvent(method, resource, { sub, ...options });
  const claims = (event.requestContext.authorizer as { claims: Record<string, string> }).claims;
  claims.auth_time = String(Math.floor(Date.now() / 1000) - ageSeconds);
  claims.username = `user-${sub}`;
  return event;
}

/** A new user who has consented, signed in an hour ago; their account id. */
async function newUser(): Promise<{ sub: string; accountId: string }> {
  const sub = randomUUID();
  const res = await call(consent, signedIn(sub, 3_600, 'POST', '/v1/me/consent', { body: { policyVersion: POLICY_VERSION, over13: true } }));
  expect(res.status).toBe(201);
  const accountId = await createAccountRepository(db, tables.accounts).findAccountId(sub, { consistent: true });
  return { sub, accountId: accountId! };
}

describe('DELETE /v1/me (P20)', () => {
  it('P20: without a fresh sign-in or a confirmation, 403 names what is needed; a wrong, used or foreign confirmation is refused', async () => {
    const { sub } = await newUser();
    const stale = await call(deletion, signedIn(sub, 301, 'DELETE', '/v1/me'));
    expect(stale.status).toBe(403);
    expect(stale.body.error).toMatchObject({ type: 'permission_error', code: 'confirmation_required' });
    expect(stale.body.error.message).toContain('POST /v1/me/deletion-token');

    const wrong = await call(deletion, signedIn(sub, 3_600, 'DELETE', '/v1/me', { body: { confirmation: 'rkdel_guessed' } }));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_confirmation', param: 'confirmation' });

    // Bound to the account it was made for.
    const other = await newUser();
    const foreign = await call(deletion, signedIn(other.sub, 3_600, 'POST', '/v1/me/deletion-token'));
    expect(foreign.status).toBe(201);
    const stolen = await call(deletion, signedIn(sub, 3_600, 'DELETE', '/v1/me', { body: { confirmation: foreign.body.token } }));
    expect(stolen.status).toBe(403);

    // Bad input changes nothing.
    expect((await call(deletion, signedIn(sub, 3_600, 'DELETE', '/v1/me', { body: { confirmation: 'x', extra: 1 } }))).status).toBe(400);
    expect((await call(apiKeys, signedIn(sub, 3_600, 'GET', '/v1/api-keys'))).status).toBe(200);
    expect((await call(deletion, signedIn(sub, 3_600, 'GET', '/v1/me/deletion'))).status).toBe(404);
  });

  it('P20: a confirmation (stored as a hash, single use) or a fresh sign-in deletes: 202, the same deletion id again, and 410 on every other route', async () => {
    const { sub, accountId } = await newUser();
    const token = await call(deletion, signedIn(sub, 3_600, 'POST', '/v1/me/deletion-token'));
    expect(token).toMatchObject({ status: 201, body: { token: expect.stringMatching(/^rkdel_/), expiresAt: expect.any(String) } });
    const stored = (await scanAllTables(endpoint, tables)).limits.find((i) => i.pk === `ACCOUNT#${accountId}` && i.sk === 'CONFIRM#DELETION');
    expect(JSON.stringify(stored)).not.toContain(token.body.token);

    const accepted = await call(deletion, signedIn(sub, 3_600, 'DELETE', '/v1/me', { body: { confirmation: token.body.token } }));
    expect(accepted).toMatchObject({ status: 202, body: { deletionId: expect.stringMatching(/^del_/) } });
    const { deletionId } = accepted.body;
    // Idempotent: the same id, without proof (nothing new happens), and the event published each time.
    const again = await call(deletion, signedIn(sub, 3_600, 'DELETE', '/v1/me'));
    expect(again).toMatchObject({ status: 202, body: { deletionId } });
    expect(published.filter((id) => id === deletionId)).toHaveLength(2);

    const refused = await call(apiKeys, signedIn(sub, 3_600, 'GET', '/v1/api-keys'));
    expect(refused.status).toBe(410);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'account_deleted' });
    expect((await call(deletion, signedIn(sub, 3_600, 'POST', '/v1/me/deletion-token'))).status).toBe(410);

    const mine = await call(deletion, signedIn(sub, 3_600, 'GET', '/v1/me/deletion'));
    expect(mine).toMatchObject({ status: 200, body: { id: deletionId, status: 'pending', progress: { phase: 'ledger', step: 1, deleted: 0 } } });
    const byId = await call(status, managementEvent('GET', '/v1/deletions/{deletionId}', { params: { deletionId } }));
    expect(byId.body).toEqual(mine.body);
    expect(JSON.stringify(byId.body)).not.toContain(accountId);
    for (const unknown of ['del_AAAAAAAAAAAAAAAAAAAAAA', 'nope', `${deletionId}x`]) {
      const res = await call(status, managementEvent('GET', '/v1/deletions/{deletionId}', { params: { deletionId: unknown } }));
      expect(res.status).toBe(404);
    }

    // A fresh sign-in needs no confirmation.
    const fresh = await newUser();
    expect((await call(deletion, signedIn(fresh.sub, 60, 'DELETE', '/v1/me'))).status).toBe(202);
  });
});

/** Puts items in batches of 25. */
async function putAll(table: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25)
    await db.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
}

/** Every item of every table that names the account, its sign-in or its key hashes anywhere. */
async function leftovers(needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [table, items] of Object.entries(await scanAllTables(endpoint, tables)))
    for (const item of items) if (needles.some((n) => JSON.stringify(item).includes(n))) found.push(`${table}:${String(item.pk)}/${String(item.sk)}`);
  return found;
}

async function objectKeys(bucket: string): Promise<string[]> {
  return ((await s3Client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key ?? '');
}

describe('the deletion job (P20)', () => {
  it('P20: killed after a few hundred deletes and started again, it completes: nothing of the account is left but its dissociated ledger', async () => {
    const { sub, accountId } = await newUser();
    const survivor = await newUser();
    const keyHashes = Array.from({ length: 30 }, () => randomBytes(32).toString('hex'));
    const now = Math.floor(Date.now() / 1000);
    await putAll(tables.accounts, [
      ...keyHashes.flatMap((keyHash, i) => [
        { ...ACCOUNT_ITEM.apiKey(accountId, `key_${i}`), id: `key_${i}`, name: `k${i}`, keyHash },
        { ...ACCOUNT_ITEM.apiKeyLookup(keyHash), accountId, apiKeyId: `key_${i}` },
      ]),
      { ...ACCOUNT_ITEM.providerKey(accountId, 'pk_1'), id: 'pk_1', name: 'openai', ciphertext: 'c' },
      { ...ACCOUNT_ITEM.providerKeyName(accountId, 'openai'), providerKeyId: 'pk_1' },
      { ...ACCOUNT_ITEM.config(accountId, 'smart'), config: {} },
      { ...ACCOUNT_ITEM.role(accountId, 'writer'), role: {} },
      { ...ACCOUNT_ITEM.stateKey(accountId), wrappedKey: 'w' },
    ]);
    await putAll(tables.activity, [
      ...Array.from({ length: 260 }, (_, i) => ({
        pk: `ACCOUNT#${accountId}`,
        sk: `REQ#2026-12-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z#req_${i}`,
        kind: 'request',
        accountId,
        requestId: `req_${i}`,
        expiresAt: now + 3_600,
      })),
      { pk: `ACCOUNT#${accountId}`, sk: 'SEC#2026-12-01T00:00#0123456789abcdef', kind: 'security', event: { kind: 'invalid_api_key', accountId }, count: 1 },
    ]);
    await putAll(tables.usage, [
      ...Array.from({ length: 120 }, (_, i) => ({
        pk: `ACCOUNT#${accountId}`,
        sk: `H#all#2026-11-${String((i % 28) + 1).padStart(2, '0')}T${i % 24}#-${i}`,
        requests: 1,
      })),
      { pk: `ACCOUNT#${accountId}`, sk: 'WATERMARK', seq: '1' },
    ]);
    await putAll(tables.limits, [
      { ...LIMITS_ITEM.month(accountId, '2026-12'), requests: 3 },
      { ...LIMITS_ITEM.minute(accountId, 'key_1', 29_000_000), requests: 1 },
      { ...LIMITS_ITEM.targetHealth(accountId, 'openai/gpt-4o'), errorRate: 0 },
    ]);
    await putAll(tables.ledger, [
      { ...LEDGER_ITEM.billing(accountId), customerId: 'cus_1', subscriptionId: 'sub_1', status: 'active' },
      ...Array.from({ length: 20 }, (_, i) => ({
        ...LEDGER_ITEM.transaction(accountId, `2026-11-0${(i % 9) + 1}T00:00:00.000Z`, `in_${i}`),
        id: `in_${i}`,
        amount: 100,
      })),
      { ...LEDGER_ITEM.sync(accountId, '2026-12-01'), corrections: 0 },
      { ...LEDGER_ITEM.meter(accountId, '2026-11'), reported: 4 },
      { ...LEDGER_ITEM.customer('cus_1'), accountId },
      { ...LEDGER_ITEM.billed(accountId), customerId: 'cus_1' },
      { ...LEDGER_ITEM.event('evt_1'), type: 'invoice.paid', accountId },
      { ...LEDGER_ITEM.event('evt_other'), type: 'invoice.paid', accountId: survivor.accountId },
    ]);
    for (const key of [`avatars/${accountId}/a1`, `avatars/${accountId}/a2`, `incoming/${accountId}/u1`, `avatars/${survivor.accountId}/s1`])
      await s3Client.send(new PutObjectCommand({ Bucket: AVATARS, Key: key, Body: 'x' }));
    for (const key of [`exports/${accountId}/e1.json.gz`, `exports/${survivor.accountId}/e2.json.gz`])
      await s3Client.send(new PutObjectCommand({ Bucket: EXPORTS, Key: key, Body: 'x' }));

    const store = createDeletionStore(db, tables);
    const deletionId = await store.tombstone(accountId, {
      deletionId: `del_${randomBytes(16).toString('base64url')}`,
      username: `user-${sub}`,
      requestedAt: new Date().toISOString(),
    });
    const removed: string[] = [];
    const stripeCalls: string[] = [];
    const deps: DeletionJobDeps = {
      records: createDeletionRecords(db, tables),
      objects: createS3AccountObjects(s3Client, accountBuckets({ avatars: AVATARS, exports: EXPORTS })),
      billing: {
        cancelSubscription: async (id) => void stripeCalls.push(`cancel ${id}`),
        deleteCustomer: async (id) => void stripeCalls.push(`delete ${id}`),
      },
      directory: { remove: async (username) => void removed.push(username) },
    };

    // The first run stops (as a killed Lambda would) after 300 deletes.
    await expect(runDeletion(deps, deletionId, { maxDeletes: 300 })).rejects.toBeInstanceOf(DeletionInterrupted);
    const halfway = await store.view(deletionId);
    expect(halfway).toMatchObject({ status: 'running', progress: { deleted: expect.any(Number) } });
    expect(halfway!.progress.deleted).toBeGreaterThan(0);
    expect(halfway!.progress.step).toBeGreaterThan(1);
    expect(removed).toEqual([]);
    // Another interrupted run, then one to the end.
    await expect(runDeletion(deps, deletionId, { maxDeletes: 150 })).rejects.toBeInstanceOf(DeletionInterrupted);
    expect(await runDeletion(deps, deletionId)).toBe('done');
    // A redelivered event finds it done and changes nothing.
    expect(await runDeletion(deps, deletionId)).toBe('done');

    expect(await leftovers([accountId, sub, ...keyHashes])).toEqual([]);
    expect(removed).toEqual([`user-${sub}`]);
    expect(stripeCalls).toEqual(['cancel sub_1', 'delete cus_1']);
    const { ledger, limits } = await scanAllTables(endpoint, tables);
    const erased = ledger.filter((i) => i.pk === DELETION_ITEM.erasedPk(deletionId));
    // P12: the payment records stay, with Stripe's ids, under a partition that names only the deletion.
    expect(erased.map((i) => String(i.sk)).sort()).toEqual(
      ['BILLING', 'METER#2026-11', ...Array.from({ length: 20 }, (_, i) => `TX#2026-11-0${(i % 9) + 1}T00:00:00.000Z#in_${i}`)].sort(),
    );
    expect(erased.find((i) => i.sk === 'BILLING')).toMatchObject({ customerId: 'cus_1', subscriptionId: 'sub_1' });
    expect(ledger.find((i) => i.pk === 'EVENT#evt_1')).toMatchObject({ type: 'invoice.paid' });
    expect(ledger.find((i) => i.pk === 'EVENT#evt_other')).toMatchObject({ accountId: survivor.accountId });
    const statusItem = limits.find((i) => i.pk === DELETION_ITEM.status(deletionId).pk);
    expect(statusItem).toMatchObject({ status: 'done', completedAt: expect.any(String) });
    expect(statusItem).not.toHaveProperty('accountId');
    // Counted page by page: a page cut short by the stop is not counted, so this is a lower bound of what went.
    expect((await store.view(deletionId))?.progress.deleted).toBeGreaterThanOrEqual(300);

    expect(await objectKeys(AVATARS)).toEqual([`avatars/${survivor.accountId}/s1`]);
    expect(await objectKeys(EXPORTS)).toEqual([`exports/${survivor.accountId}/e2.json.gz`]);
    // The other account is untouched.
    expect((await call(apiKeys, signedIn(survivor.sub, 3_600, 'GET', '/v1/api-keys'))).status).toBe(200);
  });
});
