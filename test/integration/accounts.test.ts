import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountService } from '../../lambdas/accounts/account-service.js';
import { createAccountStateReader } from '../../lambdas/accounts/account-state.js';
import { DEFAULT_PLANS, planCatalog } from '../../lambdas/plans/catalog.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let config: RuntimeConfig;

beforeAll(async () => {
  await createTestTables();
  config = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: testKeyringFile() });
});

describe('accounts', () => {
  it('creates an account on first use and returns the same one afterwards', async () => {
    const db = createDocumentClient(config);
    const repo = createAccountRepository(db, config.tables.accounts);
    const sub = randomUUID();
    const first = await createAccountService(repo).ensureAccount(sub);
    expect(first).toMatch(/^acc_[A-Za-z0-9_-]{22}$/);
    // A fresh service (another container) finds it in the table.
    expect(await createAccountService(repo).ensureAccount(sub)).toBe(first);
    expect(await repo.findAccountId(sub, { consistent: true })).toBe(first);
  });

  it('concurrent first calls from many containers yield exactly one account', async () => {
    const db = createDocumentClient(config);
    const repo = createAccountRepository(db, config.tables.accounts);
    const sub = randomUUID();
    const ids = await Promise.all(Array.from({ length: 8 }, () => createAccountService(repo).ensureAccount(sub)));
    expect(new Set(ids).size).toBe(1);
    const out = await db.send(new ScanCommand({ TableName: config.tables.accounts, ConsistentRead: true }));
    const profiles = (out.Items ?? []).filter((i) => i.sk === 'PROFILE' && i.sub === sub);
    expect(profiles).toHaveLength(1);
    expect(profiles[0]!.accountId).toBe(ids[0]);
  });

  it('different users get different accounts', async () => {
    const repo = createAccountRepository(createDocumentClient(config), config.tables.accounts);
    const service = createAccountService(repo);
    const [a, b] = await Promise.all([service.ensureAccount(randomUUID()), service.ensureAccount(randomUUID())]);
    expect(a).not.toBe(b);
  });

  it('P15: a new account starts active on the deployment default plan', async () => {
    const repo = createAccountRepository(createDocumentClient(config), config.tables.accounts, { defaultPlan: 'starter' });
    const accountId = await createAccountService(repo).ensureAccount(randomUUID());
    expect(await repo.standing(accountId)).toEqual({ plan: 'starter', status: 'active', limitOverrides: {} });
    expect(await repo.standing('acc_nonexistent0000000000000')).toBeUndefined();
  });

  it("P15: an account's plan, status and per-account limits change together, and the state reader applies them", async () => {
    const repo = createAccountRepository(createDocumentClient(config), config.tables.accounts);
    const accountId = await createAccountService(repo).ensureAccount(randomUUID());
    expect(await repo.changeStanding(accountId, { plan: 'enterprise', limitOverrides: { apiKeys: 900, requestsPerMonth: 90_000_000 } })).toBe(true);
    expect(await repo.changeStanding(accountId, { status: 'suspended' })).toBe(true);
    const state = await createAccountStateReader(repo, planCatalog()).state(accountId);
    expect(state).toEqual({
      accountId,
      plan: 'enterprise',
      status: 'suspended',
      limitOverrides: { apiKeys: 900, requestsPerMonth: 90_000_000 },
      limits: { ...DEFAULT_PLANS.enterprise, apiKeys: 900, requestsPerMonth: 90_000_000 },
    });
    // Overrides are replaced as a whole; an unknown account changes nothing.
    expect(await repo.changeStanding(accountId, { limitOverrides: {} })).toBe(true);
    expect((await repo.standing(accountId))?.limitOverrides).toEqual({});
    expect(await repo.changeStanding('acc_nonexistent0000000000000', { plan: 'free' })).toBe(false);
  });

  it('the state reader caches briefly per container, so a change shows within its window', async () => {
    const repo = createAccountRepository(createDocumentClient(config), config.tables.accounts);
    const accountId = await createAccountService(repo).ensureAccount(randomUUID());
    let now = 1_000_000;
    const reader = createAccountStateReader(repo, planCatalog(), { ttlMs: 5_000, now: () => now });
    expect((await reader.state(accountId))?.status).toBe('active');
    await repo.changeStanding(accountId, { status: 'suspended' });
    expect((await reader.state(accountId))?.status).toBe('active');
    now += 5_001;
    expect((await reader.state(accountId))?.status).toBe('suspended');
  });
});
