import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountService } from '../../lambdas/accounts/account-service.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createTestTables } from '../support/tables.js';

let config: RuntimeConfig;

beforeAll(async () => {
  await createTestTables();
  const dir = mkdtempSync(join(tmpdir(), 'roukey-acc-'));
  writeFileSync(join(dir, 'keyring'), randomBytes(32), { mode: 0o600 });
  config = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: join(dir, 'keyring') });
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
});
