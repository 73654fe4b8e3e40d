import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { TableName } from '../../lambdas/store/tables.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

jest.setTimeout(30_000);

let endpoint: string;
let tables: Record<TableName, string>;
let billing: ManagementLambda;
let webhook: ManagementLambda;
let apiKeys: ManagementLambda;

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  for (const name of ['STRIPE_SECRET_ID', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE', 'STRIPE_PRICES']) delete process.env[name];
  Object.assign(process.env, { LOCAL_KEYRING_FILE: testKeyringFile(), ROUKEY_DEFAULT_PLAN: 'free', ROUKEY_PLANS: '{}' });
  billing = withConsent((await import('../../lambdas/handlers/billing.js')).handler);
  webhook = (await import('../../lambdas/handlers/billing-webhook.js')).handler;
  apiKeys = withConsent((await import('../../lambdas/handlers/api-keys.js')).handler);
});

describe('billing off (no Stripe configured)', () => {
  const sub = randomUUID();
  it.each([
    ['GET', '/v1/billing', undefined],
    ['POST', '/v1/billing/checkout', { plan: 'starter', interval: 'month' }],
    ['POST', '/v1/billing/portal', undefined],
    ['GET', '/v1/billing/transactions', undefined],
  ])('P15: %s %s → 409 billing_disabled with a clear message', async (method, resource, body) => {
    const res = await call(billing, managementEvent(method, resource, { sub, body }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'billing_disabled', message: expect.stringMatching(/assigned by its administrators/) });
  });

  it('the webhook answers 409 too, and nothing reaches the ledger', async () => {
    const event = managementEvent('POST', '/v1/billing/webhook', { body: '{"id":"evt_1","type":"invoice.paid"}' });
    const res = await call(webhook, { ...event, headers: { 'Stripe-Signature': 't=1,v1=00' } });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'billing_disabled' } } });
    expect((await scanAllTables(endpoint, tables)).ledger).toEqual([]);
  });

  it('nothing else changes: the rest of the management API works, and the sync has nothing to do', async () => {
    expect((await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }))).status).toBe(200);
    const { handler } = await import('../../lambdas/handlers/billing-sync.js');
    expect(await handler({})).toEqual({ skipped: 'billing_disabled' });
  });
});
