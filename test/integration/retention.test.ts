import { jest } from '@jest/globals';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createActivityRepo } from '../../lambdas/store/activity-repo.js';
import { createSecurityEventRecorder } from '../../lambdas/store/activity-security-events.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { RETENTION, expiresAfterDays } from '../../lambdas/store/retention.js';
import { TABLES } from '../../lambdas/store/tables.js';
import { createRollupWriter, ITEM } from '../../lambdas/store/usage-items.js';
import { createTestTables, scanAllTables } from '../support/tables.js';

jest.setTimeout(60_000);

/**
 * The privacy policy's windows, as its words give them, against what each writer really stores. The figures are
 * written here by hand, not read from lambdas/store/retention.ts: changing a window there breaks these tests.
 */
const DAY_S = 86_400;
const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const NOW_S = NOW / 1000;

/** Epoch seconds `months` calendar months after `ms`. */
function monthsAfter(ms: number, months: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours()) / 1000;
}

describe('retention against the policy’s words (P9–P12)', () => {
  let endpoint: string;
  let tables: Awaited<ReturnType<typeof createTestTables>>['tables'];
  let doc: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    ({ endpoint, tables } = await createTestTables());
    doc = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  });
  afterAll(() => doc.destroy());

  it('P11: request metadata, and the error records among it, expire after 90 days', async () => {
    const repo = createActivityRepo(doc, tables.activity, { now: () => NOW });
    const base = { accountId: 'acc_ret', apiKeyId: 'ak_1', startedAt: '2026-11-26T11:59:59.000Z', latencyMs: 10, stream: false };
    await repo.recordRequest({ ...base, requestId: 'ok', status: 200 });
    await repo.recordRequest({ ...base, requestId: 'err', status: 502, errorType: 'upstream_error' });
    const out = await doc.send(
      new QueryCommand({ TableName: tables.activity, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ACCOUNT#acc_ret' } }),
    );
    expect(out.Items?.map((i) => i.expiresAt)).toEqual([NOW_S + 90 * DAY_S, NOW_S + 90 * DAY_S]);
  });

  it('P8/P11: security events expire 90 days after their minute', async () => {
    const recorder = createSecurityEventRecorder(doc, tables.activity, { now: () => NOW });
    recorder.record({ kind: 'invalid_api_key', accountId: 'acc_sec' });
    await recorder.flush();
    const out = await doc.send(
      new QueryCommand({ TableName: tables.activity, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ACCOUNT#acc_sec' } }),
    );
    // The minute holding NOW ends 60 s later.
    expect(out.Items?.[0]?.expiresAt).toBe(NOW_S + 60 + 90 * DAY_S);
  });

  it('P10: usage rollups are kept 24 months (730 days) after their hour or day', async () => {
    const writer = createRollupWriter(doc, tables, { now: () => NOW });
    await createAccountRepository(doc, tables.accounts).createAccount('sub-roll', 'acc_roll', new Date(NOW).toISOString());
    const counters = new Map([['requests', 1]]);
    const day = { granularity: 'day', dimension: 'all', period: '2026-11-26', value: '-' } as const;
    const hour = { granularity: 'hour', dimension: 'all', period: '2026-11-26T11', value: '-' } as const;
    const outcome = await writer.apply({
      accountId: 'acc_roll',
      through: '1',
      deltas: [
        { key: day, counters },
        { key: hour, counters },
      ],
    });
    expect(outcome).toBe('applied');
    const read = async (key: typeof day | typeof hour) =>
      (await doc.send(new GetCommand({ TableName: tables.usage, Key: ITEM.rollup('acc_roll', key) }))).Item?.expiresAt as number;
    const dayEnd = Date.parse('2026-11-27T00:00:00Z');
    const hourEnd = Date.parse('2026-11-26T12:00:00Z');
    expect(await read(day)).toBe(dayEnd / 1000 + 730 * DAY_S);
    expect(await read(hour)).toBe(hourEnd / 1000 + 730 * DAY_S);
    // 730 days is at least 24 calendar months (a leap day in between makes it 24 months less one day at most).
    expect(await read(day)).toBeGreaterThanOrEqual(monthsAfter(dayEnd, 24) - DAY_S);
  });

  it('P12: ledger items are kept 7 years', () => {
    // The ledger's writer (billing) stamps items with this window.
    const expires = expiresAfterDays(RETENTION.ledgerDays, NOW);
    expect(expires).toBeGreaterThanOrEqual(monthsAfter(NOW, 7 * 12));
    expect(expires).toBeLessThan(monthsAfter(NOW, 7 * 12) + 3 * DAY_S);
    expect(TABLES.ledger).toMatchObject({ ttlAttribute: 'expiresAt', deletionProtection: true });
  });

  it('P9: account data has no TTL: no account item carries one (the table’s TTL is for export bookkeeping only)', async () => {
    expect(TABLES.accounts).toHaveProperty('ttlAttribute', 'expiresAt');
    const accounts = createAccountRepository(doc, tables.accounts);
    await accounts.createAccount('sub-ret', 'acc_data', new Date(NOW).toISOString(), { email: 'a@example.com' });
    const { accounts: items } = await scanAllTables(endpoint, tables);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item).not.toHaveProperty('expiresAt');
  });
});
