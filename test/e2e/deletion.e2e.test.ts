import { jest } from '@jest/globals';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ACCOUNT_STATE_TTL_MS } from '../../lambdas/accounts/account-state.js';
import { s3ClientFor } from '../../lambdas/profile/s3-avatar-storage.js';
import { ITEM as DELETION_ITEM } from '../../lambdas/store/deletion-items.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { cognitoLocalClient } from '../../lib/local/cognito-bootstrap.js';
import { LOCAL_AVATAR_BUCKET, LOCAL_EXPORT_BUCKET } from '../../lib/local/runtime.js';
import { startLocalEventBus } from '../../lib/local/event-bus.js';
import { createEventPublisher } from '../../lambdas/events/event-publisher.js';
import type { RouKeyEvent } from '../../lambdas/events/roukey-events.js';
import { startFakeStripe, stripeEnvironment, type FakeStripe } from '../fakes/stripe.js';
import { png } from '../support/images.js';
import { postChat, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { until } from '../support/until.js';

jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'whsec_e2e_deletion';
/** The exports bucket's local name; the export feature creates it in the runtime, this test creates it itself. */
const EXPORTS = LOCAL_EXPORT_BUCKET;
const DISPLAY_NAME = 'Ada Deletable';

let stripe: FakeStripe;
let e2e: E2EContext;
let s3: S3Client;

beforeAll(async () => {
  stripe = await startFakeStripe(WEBHOOK_SECRET);
  Object.assign(process.env, stripeEnvironment(stripe, WEBHOOK_SECRET));
  e2e = await startE2E();
  s3 = s3ClientFor({ region: e2e.local.runtime.config.region, endpoint: e2e.local.runtime.config.s3Endpoint });
});

afterAll(async () => {
  s3?.destroy();
  await e2e?.stop();
  await stripe?.close();
});

async function postWebhook(payload: string): Promise<number> {
  const res = await fetch(`${e2e.gatewayUrl}/v1/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': stripe.sign(payload) },
    body: payload,
  });
  await res.text();
  return res.status;
}

async function objectKeys(bucket: string): Promise<string[]> {
  return ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key ?? '');
}

/** Where any of `needles` appears in any table, as `table:pk/sk`. */
function mentions(tables: Record<TableName, Record<string, unknown>[]>, needles: readonly string[]): string[] {
  return Object.entries(tables).flatMap(([table, items]) =>
    items.filter((item) => needles.some((n) => JSON.stringify(item).includes(n))).map((item) => `${table}:${String(item.pk)}/${String(item.sk)}`),
  );
}

describe('account deletion end to end through npm start (P20)', () => {
  it('P20: every kind of data the product holds is deleted (tables, buckets, Stripe, Cognito); only the dissociated ledger stays', async () => {
    const { mgmt } = e2e;
    const before = await scanRuntimeTables(e2e.local);
    const accountId = String(before.accounts.find((i) => String(i.pk).startsWith('USER#'))?.accountId);
    const sub = String(before.accounts.find((i) => String(i.pk).startsWith('USER#'))?.pk).slice('USER#'.length);
    const email = e2e.local.runtime.config.devUser.email;

    // Profile and avatar.
    expect((await mgmt('PATCH', '/v1/me', { displayName: DISPLAY_NAME })).status).toBe(200);
    const form = await mgmt('POST', '/v1/me/avatar', { contentType: 'image/png' });
    const body = new FormData();
    for (const [name, value] of Object.entries(form.json.fields as Record<string, string>)) body.append(name, value);
    body.append('file', new Blob([new Uint8Array(png(64, 64))], { type: 'image/png' }));
    expect((await fetch(form.json.url, { method: 'POST', body })).status).toBeLessThan(300);
    expect(
      (
        await until(
          () => mgmt('GET', '/v1/me'),
          (res) => res.json.avatarUrl !== null,
        )
      ).json.avatarSource,
    ).toBe('upload');
    // Config, custom role, requests through the fake upstream (activity, usage rollups, limit counters).
    expect((await mgmt('POST', '/v1/configs', { name: 'smart', strategy: 'fallback', targets: [{ model: 'fake/gpt-4o-mini' }] })).status).toBe(201);
    const role = await mgmt('POST', '/v1/roles', {
      name: 'taxes',
      description: 'Questions about tax returns and filing deadlines.',
      examples: ['When is the filing deadline?'],
      keywords: ['tax'],
      systemPrompt: 'You are a careful tax assistant.',
    });
    expect(role.status).toBe(201);
    for (const model of ['roukey/smart', 'fake/gpt-4o-mini'])
      expect((await postChat(e2e.gatewayUrl, e2e.apiKey, JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }))).status).toBe(200);
    const provisioned = await until(
      () => scanRuntimeTables(e2e.local),
      (t) => t.usage.some((i) => i.pk === `ACCOUNT#${accountId}` && String(i.sk).startsWith('H#')) && t.limits.some((i) => i.pk === `ACCOUNT#${accountId}`),
    );
    expect(provisioned.activity.filter((i) => i.pk === `ACCOUNT#${accountId}` && i.kind === 'request')).toHaveLength(2);
    // Billing: a Stripe customer and subscription, webhooks into the ledger (and the account's billing security events).
    const checkout = await mgmt('POST', '/v1/billing/checkout', { plan: 'starter', interval: 'month' });
    expect(checkout.status).toBe(200);
    const session = [...stripe.sessions.values()].find((s) => s.url === checkout.json.url);
    const { session: completed, invoice, subscription } = stripe.completeCheckout(session.id);
    expect(await postWebhook(JSON.stringify(stripe.event('checkout.session.completed', completed)))).toBe(200);
    expect(await postWebhook(JSON.stringify(stripe.event('invoice.paid', invoice)))).toBe(200);
    const customerId = String(subscription.customer);
    // An export file (the export job writes these).
    await s3.send(new PutObjectCommand({ Bucket: EXPORTS, Key: `exports/${accountId}/exp_1.json.gz`, Body: 'gz' }));

    const full = await scanRuntimeTables(e2e.local);
    expect(full.ledger.filter((i) => i.pk === `ACCOUNT#${accountId}` && String(i.sk).startsWith('TX#')).length).toBeGreaterThan(0);
    expect(full.activity.some((i) => i.pk === `ACCOUNT#${accountId}` && i.kind === 'security')).toBe(true);
    expect(full.accounts.some((i) => String(i.sk).startsWith('PKEY#')) && full.accounts.some((i) => String(i.pk).startsWith('APIKEYHASH#'))).toBe(true);
    expect((await objectKeys(LOCAL_AVATAR_BUCKET)).some((k) => k.startsWith(`avatars/${accountId}/`))).toBe(true);
    const apiKeyHashes = full.accounts.filter((i) => String(i.pk).startsWith('APIKEYHASH#')).map((i) => String(i.pk).slice('APIKEYHASH#'.length));
    const needles = [accountId, sub, email, DISPLAY_NAME, e2e.apiKeyId, ...apiKeyHashes];

    // The job's event is held on a bus of the test's own until the tombstone alone has been seen by the router: the
    // local bus would start the job at once, and once it has deleted the key's lookup the key is simply unknown.
    const runtimeBus = process.env.EVENTBRIDGE_ENDPOINT;
    const held: RouKeyEvent[] = [];
    const holdingBus = await startLocalEventBus({ jobs: { 'deletion.requested': async () => async (event) => void held.push(event) } });
    process.env.EVENTBRIDGE_ENDPOINT = holdingBus.endpoint;

    // The dev user signed in more than a moment ago: a confirmation proves it is them.
    const token = await mgmt('POST', '/v1/me/deletion-token');
    expect(token.status).toBe(201);
    const deleted = await mgmt('DELETE', '/v1/me', { confirmation: token.json.token });
    expect(deleted.status).toBe(202);
    const { deletionId } = deleted.json;

    // Its sessions at once: 410, but for the deletion's own status.
    expect((await mgmt('GET', '/v1/configs')).status).toBe(410);
    expect((await mgmt('DELETE', '/v1/me')).json).toEqual({ deletionId });
    // Its keys within the router's state cache: 401 account_deleted on every API-key route.
    const refused = await until(
      () => postChat(e2e.gatewayUrl, e2e.apiKey, JSON.stringify({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })),
      (res) => res.status === 401,
      ACCOUNT_STATE_TTL_MS + 5_000,
    );
    expect(refused.json.error).toMatchObject({ type: 'authentication_error', code: 'account_deleted' });
    const models = await fetch(`${e2e.gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${e2e.apiKey}` } });
    expect(models.status).toBe(401);
    expect(((await models.json()) as { error: { code: string } }).error.code).toBe('account_deleted');

    // Now the held event goes to the runtime's bus, which runs the job.
    await holdingBus.stop();
    // Once per DELETE: the repeated one publishes again (the job is idempotent).
    expect(held.map((e) => e.detail)).toEqual([{ deletionId }, { deletionId }]);
    process.env.EVENTBRIDGE_ENDPOINT = runtimeBus;
    await createEventPublisher().publish('deletion.requested', { deletionId });
    await e2e.local.runtime.settleEvents();
    const status = await fetch(`${e2e.gatewayUrl}/v1/deletions/${deletionId}`);
    const view = (await status.json()) as { status: string; progress: { deleted: number; phase: string } };
    expect(view).toMatchObject({ status: 'done', progress: { phase: 'sign-in' } });
    expect(view.progress.deleted).toBeGreaterThan(10);

    const after = await scanRuntimeTables(e2e.local);
    expect(mentions(after, needles)).toEqual([]);
    // P12: the ledger keeps the payment records, with Stripe's ids, under the deletion's partition only.
    const erased = after.ledger.filter((i) => i.pk === DELETION_ITEM.erasedPk(deletionId));
    expect(erased.some((i) => String(i.sk).startsWith('TX#'))).toBe(true);
    expect(erased.find((i) => i.sk === 'BILLING')).toMatchObject({ customerId });
    expect(after.ledger.some((i) => String(i.pk).startsWith('ACCOUNT#') || i.pk === 'BILLED' || i.pk === `CUSTOMER#${customerId}`)).toBe(false);
    // The refused requests were recorded as security events without the account.
    const refusals = after.activity.filter((i) => i.kind === 'security' && (i.event as { kind: string }).kind === 'account_deleted');
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect(String(r.pk)).toMatch(/^SOURCE#/);
    expect(refusals.map((r) => (r.event as { route?: string }).route)).toEqual(expect.arrayContaining(['/v1/chat/completions', '/v1/models']));
    // Buckets: the avatar (every upload) and the export are gone.
    expect((await objectKeys(LOCAL_AVATAR_BUCKET)).filter((k) => k.includes(accountId))).toEqual([]);
    expect(await objectKeys(EXPORTS)).toEqual([]);
    // Stripe: the subscription cancelled, the customer deleted.
    expect(stripe.subscriptions.get(subscription.id)?.status).toBe('canceled');
    expect(stripe.customers.has(customerId)).toBe(false);
    // Cognito: the user is gone; its still-valid access token creates no account again.
    const { cognitoEndpoint, region, userPoolId } = e2e.local.runtime.config;
    const idp = cognitoLocalClient(cognitoEndpoint, region);
    await expect(idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }))).rejects.toMatchObject({ name: 'UserNotFoundException' });
    idp.destroy();
    const gone = await mgmt('GET', '/v1/me');
    expect(gone.status).toBe(410);
    expect(gone.json.error.code).toBe('account_deleted');
    expect(mentions(await scanRuntimeTables(e2e.local), needles)).toEqual([]);
  });
});
