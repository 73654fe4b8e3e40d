import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PLANS } from '../../lambdas/plans/catalog.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createLimitCounters } from '../../lambdas/store/limits-counters.js';
import { monthOf } from '../../lambdas/store/limits-items.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let db: DynamoDBDocumentClient;
let tables: Awaited<ReturnType<typeof createTestTables>>['tables'];
let mePlan: ManagementLambda;
let apiKeys: ManagementLambda;

beforeAll(async () => {
  const created = await createTestTables();
  tables = created.tables;
  Object.assign(process.env, { LOCAL_KEYRING_FILE: testKeyringFile(), ROUKEY_DEFAULT_PLAN: 'free', ROUKEY_PLANS: '{}' });
  db = DynamoDBDocumentClient.from(localDynamoDbClient(created.endpoint));
  mePlan = withConsent((await import('../../lambdas/handlers/me-plan.js')).handler);
  apiKeys = withConsent((await import('../../lambdas/handlers/api-keys.js')).handler);
});
afterAll(() => db.destroy());

describe('GET /v1/me/plan', () => {
  it('P15: answers the plan, its effective limits with the account’s overrides, and this month’s usage against each', async () => {
    const sub = `sub-${randomUUID()}`;
    // Two API keys made through the API (the first call also creates the account).
    for (const name of ['one', 'two']) expect((await call(apiKeys, managementEvent('POST', '/v1/api-keys', { sub, body: { name } }))).status).toBe(201);
    const fresh = await call(mePlan, managementEvent('GET', '/v1/me/plan', { sub }));
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({
      object: 'plan',
      plan: 'free',
      limits: DEFAULT_PLANS.free,
      overridden: [],
      month: monthOf(Date.now()),
      usage: { requestsPerMonth: 0, tokensPerMonth: 0, apiKeys: 2, providerKeys: 0, configs: 0, customRoles: 0 },
    });

    // What the router's limiter counted this month, and an admin's override for this account alone.
    const accounts = createAccountRepository(db, tables.accounts);
    const accountId = (await accounts.findAccountId(sub)) as string;
    await createLimitCounters(db, tables.limits).addToMonth(accountId, monthOf(Date.now()), { requests: 7, tokens: 1_234 });
    await accounts.changeStanding(accountId, { plan: 'starter', limitOverrides: { requestsPerMonth: 500_000 } });
    // The standing is cached per container for a few seconds (the 30 s promise): poll for the change.
    const deadline = Date.now() + 15_000;
    let now = await call(mePlan, managementEvent('GET', '/v1/me/plan', { sub }));
    while (now.body.plan !== 'starter' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      now = await call(mePlan, managementEvent('GET', '/v1/me/plan', { sub }));
    }
    expect(now.body).toMatchObject({
      plan: 'starter',
      limits: { ...DEFAULT_PLANS.starter, requestsPerMonth: 500_000 },
      overridden: ['requestsPerMonth'],
      usage: { requestsPerMonth: 7, tokensPerMonth: 1_234, apiKeys: 2 },
    });
  }, 30_000);

  it('refuses a call without sign-in', async () => {
    expect((await call(mePlan, managementEvent('GET', '/v1/me/plan'))).status).toBe(401);
  });
});
