import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountState, AccountStateReader } from '../../lambdas/accounts/account-state.js';
import { MINUTE_SLICE, MONTH_SLICE, sliceSize } from '../../lambdas/limits/allowance.js';
import type { LimitCounters } from '../../lambdas/limits/limit-counters.js';
import { MinuteAllowances } from '../../lambdas/limits/minute-allowance.js';
import { MonthQuotas } from '../../lambdas/limits/month-quota.js';
import { createRequestGate } from '../../lambdas/limits/request-gate.js';
import { DEFAULT_PLANS } from '../../lambdas/plans/catalog.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createLimitCounters } from '../../lambdas/store/limits-counters.js';
import { ITEM, createMonthlyUsageReader, monthCounterExpiresAt, monthOf } from '../../lambdas/store/limits-items.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import { createTestTables } from '../support/tables.js';

// DynamoDB Local on a shared machine: hundreds of conditional writes per test.
jest.setTimeout(30_000);

let db: DynamoDBDocumentClient;
let table: string;
let counters: LimitCounters;
/** Round trips made through `counters`, by method. */
const calls: string[] = [];

beforeAll(async () => {
  const { endpoint, tables } = await createTestTables();
  table = tables.limits;
  db = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  const real = createLimitCounters(db, table);
  counters = {
    leaseMinute: (...args) => (calls.push('leaseMinute'), real.leaseMinute(...args)),
    addToMonth: (...args) => (calls.push('addToMonth'), real.addToMonth(...args)),
    addToMonthWithin: (...args) => (calls.push('addToMonthWithin'), real.addToMonthWithin(...args)),
  };
});
afterAll(() => db.destroy());
beforeEach(() => {
  calls.length = 0;
});

const key = () => ({ accountId: `acc_${randomUUID().slice(0, 8)}`, apiKeyId: `ak_${randomUUID().slice(0, 8)}` });
/** A clock a test moves by hand, starting `offsetMs` into a minute. */
const clock = (offsetMs = 5_000) => {
  const t = { now: Math.floor(Date.now() / 60_000) * 60_000 + offsetMs };
  return { t, now: () => t.now };
};
const admittedCount = (verdicts: { admitted: boolean }[]) => verdicts.filter((v) => v.admitted).length;
const minuteItem = async (k: { accountId: string; apiKeyId: string }, at: number) =>
  (await db.send(new GetCommand({ TableName: table, Key: ITEM.minute(k.accountId, k.apiKeyId, Math.floor(at / 60_000)) }))).Item;

describe('per-key requests per minute, shared through leases', () => {
  it('three containers with 40 concurrent callers each admit exactly the limit of 60 in one window, and the table says 60', async () => {
    // A burst in one container is served by one lease for all of it, not one round trip per request.
    const k = key();
    const { now } = clock();
    const containers = [0, 1, 2].map(() => new MinuteAllowances(counters, { now }));
    const verdicts = await Promise.all(containers.flatMap((c) => Array.from({ length: 40 }, () => c.take(k, 60))));
    expect(admittedCount(verdicts)).toBe(60);
    expect((await minuteItem(k, now()))?.requests).toBe(60);
    expect(calls.length).toBeLessThanOrEqual(3 * 4);
    // Refused requests are refused from memory: one lease finding nothing left per container, not one per request.
    await Promise.all(containers.map((c) => c.take(k, 60)));
    const afterRefusals = calls.length;
    expect((await Promise.all(containers.map((c) => c.take(k, 60)))).every((v) => !v.admitted)).toBe(true);
    expect(calls.length).toBe(afterRefusals);
  });

  it('a large limit costs one round trip per slice, and the window never passes its limit', async () => {
    const k = key();
    const { now } = clock();
    const container = new MinuteAllowances(counters, { now });
    const limit = 5_000;
    const slice = sliceSize(limit, MINUTE_SLICE);
    const verdicts = [];
    for (let i = 0; i < 3 * slice; i++) verdicts.push(await container.take(k, limit));
    expect(admittedCount(verdicts)).toBe(3 * slice);
    expect(calls).toEqual(['leaseMinute', 'leaseMinute', 'leaseMinute']);
    expect(verdicts.at(-1)).toMatchObject({ limit, remaining: limit - 3 * slice });
  });

  it('overshoot: shares held by other containers are never admitted twice; what is left at the end is leased exactly', async () => {
    const k = key();
    const { now } = clock();
    const limit = 250; // a share of 5
    const containers = Array.from({ length: 7 }, () => new MinuteAllowances(counters, { now }));
    const verdicts = await Promise.all(containers.flatMap((c) => Array.from({ length: 60 }, () => c.take(k, limit))));
    // No container holds anything back here (each keeps asking), so all of the limit is admitted, and not one more.
    expect(admittedCount(verdicts)).toBe(limit);
    expect((await minuteItem(k, now()))?.requests).toBe(limit);
  });

  it('a new minute is a new window: the old one’s unused share expires with it; items carry their TTL', async () => {
    const k = key();
    const { t, now } = clock(58_000);
    const a = new MinuteAllowances(counters, { now });
    const first = now();
    expect(admittedCount(await Promise.all(Array.from({ length: 3 }, () => a.take(k, 2))))).toBe(2);
    t.now += 3_000; // the next minute
    const next = await a.take(k, 2);
    expect(next).toMatchObject({ admitted: true, remaining: 1 });
    const endOfFirst = (Math.floor(first / 60_000) + 1) * 60_000;
    expect((await minuteItem(k, first))?.expiresAt).toBe(endOfFirst / 1000 + RETENTION.limitWindowSeconds);
    expect((await minuteItem(k, now()))?.expiresAt).toBe(endOfFirst / 1000 + 60 + RETENTION.limitWindowSeconds);
  });

  it('after "nothing left", a container asks the table again only after its recheck delay', async () => {
    const k = key();
    const { t, now } = clock();
    const a = new MinuteAllowances(counters, { now, recheckMs: 1_000 });
    const b = new MinuteAllowances(counters, { now, recheckMs: 1_000 });
    expect((await a.take(k, 1)).admitted).toBe(true);
    expect((await b.take(k, 1)).admitted).toBe(false);
    calls.length = 0;
    expect((await b.take(k, 1)).admitted).toBe(false);
    expect(calls).toEqual([]);
    t.now += 1_000;
    expect((await b.take(k, 1)).admitted).toBe(false);
    expect(calls).toEqual(['leaseMinute']);
  });

  it('fails open when the table fails, asks again after the recheck delay, and reports the failure', async () => {
    const errors: unknown[] = [];
    const { t, now } = clock();
    let failing = true;
    const flaky: LimitCounters = {
      ...counters,
      leaseMinute: async (...args) => {
        if (failing) throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
        return counters.leaseMinute(...args);
      },
    };
    const a = new MinuteAllowances(flaky, { now, onError: (e) => errors.push(e) });
    const k = key();
    expect((await a.take(k, 1)).admitted).toBe(true);
    expect((await a.take(k, 1)).admitted).toBe(true);
    expect(errors).toHaveLength(1);
    failing = false;
    t.now += 1_000;
    expect((await a.take(k, 1)).admitted).toBe(true);
    expect((await a.take(k, 1)).admitted).toBe(false);
  });
});

describe('per-account requests and tokens per month', () => {
  const limits = (requestsPerMonth: number, tokensPerMonth: number | null = null) => ({ requestsPerMonth, tokensPerMonth });
  const monthItem = async (accountId: string, at: number) =>
    (await db.send(new GetCommand({ TableName: table, Key: ITEM.month(accountId, monthOf(at)) }))).Item;

  it('a small quota is exact: four containers with 15 concurrent callers each admit 50 of 50, and the counter says 50', async () => {
    const { accountId } = key();
    const containers = [0, 1, 2, 3].map(() => new MonthQuotas(counters));
    const verdicts = await Promise.all(containers.flatMap((c) => Array.from({ length: 15 }, () => c.admit(accountId, limits(50)))));
    expect(admittedCount(verdicts)).toBe(50);
    await Promise.all(containers.map((c) => c.settle(accountId, 0)));
    expect((await monthItem(accountId, Date.now()))?.requests).toBe(50);
    expect(verdicts.find((v) => !v.admitted)).toMatchObject({ limit: 'requestsPerMonth' });
  });

  it('a large quota costs no round trip per request: a container runs up to one slice ahead and writes it after responses', async () => {
    const { accountId } = key();
    const { t, now } = clock();
    const quotas = new MonthQuotas(counters, { now, settleIntervalMs: 1_000 });
    const slice = sliceSize(1_000_000, MONTH_SLICE);
    for (let i = 0; i < slice; i++) expect((await quotas.admit(accountId, limits(1_000_000))).admitted).toBe(true);
    expect(calls).toEqual(['addToMonth']); // the first request reads the month (and writes nothing yet)
    await quotas.settle(accountId, 40); // too soon after the read: nothing written
    expect(calls).toHaveLength(1);
    t.now += 1_000;
    await quotas.settle(accountId, 2);
    expect(calls).toHaveLength(2);
    // The month's counter holds every admitted request and every reported token: the contract admin and /v1/me/plan read.
    expect(await monthItem(accountId, now())).toMatchObject({ requests: slice, tokens: 42, expiresAt: monthCounterExpiresAt(monthOf(now())) });
    expect(await createMonthlyUsageReader(db, table, { now }).requestsThisMonth(accountId)).toBe(slice);
  });

  it('overshoot stays within one slice per container, and the counter still counts every admitted request', async () => {
    const { accountId } = key();
    const quota = 20_000;
    const slice = sliceSize(quota, MONTH_SLICE);
    const start = quota - 5 * slice;
    await db.send(new PutCommand({ TableName: table, Item: { ...ITEM.month(accountId, monthOf(Date.now())), requests: start, tokens: 0 } }));
    const containers = Array.from({ length: 5 }, () => new MonthQuotas(counters, { settleIntervalMs: 0 }));
    let admitted = 0;
    // Each container serves callers one after another, settling after each response, like a Lambda container.
    await Promise.all(
      containers.map(async (c) => {
        for (let i = 0; i < 10 * slice; i++) {
          if (!(await c.admit(accountId, limits(quota))).admitted) break;
          admitted++;
          await c.settle(accountId, 0);
        }
      }),
    );
    expect(admitted).toBeGreaterThanOrEqual(quota - start);
    expect(admitted).toBeLessThanOrEqual(quota - start + containers.length * slice);
    expect((await monthItem(accountId, Date.now()))?.requests).toBe(start + admitted);
  });

  it('the token quota refuses once the tokens reported this month reach it', async () => {
    const { accountId } = key();
    const quotas = new MonthQuotas(counters, { settleIntervalMs: 0 });
    expect((await quotas.admit(accountId, limits(1_000, 1_000))).admitted).toBe(true);
    await quotas.settle(accountId, 999);
    expect((await quotas.admit(accountId, limits(1_000, 1_000))).admitted).toBe(true);
    await quotas.settle(accountId, 1);
    expect(await quotas.admit(accountId, limits(1_000, 1_000))).toMatchObject({ admitted: false, limit: 'tokensPerMonth' });
    // Without a token quota the same usage is fine.
    expect((await quotas.admit(accountId, limits(1_000, null))).admitted).toBe(true);
  });

  it('a raised quota admits again at once (limits are read per request, not cached with the counts)', async () => {
    const { accountId } = key();
    const quotas = new MonthQuotas(counters);
    expect((await quotas.admit(accountId, limits(1))).admitted).toBe(true);
    expect((await quotas.admit(accountId, limits(1))).admitted).toBe(false);
    expect((await quotas.admit(accountId, limits(2))).admitted).toBe(true);
  });
});

describe('the request gate', () => {
  const stateOf = (over: Partial<AccountState> = {}): AccountStateReader => {
    const state = async (accountId: string): Promise<AccountState> => ({
      accountId,
      plan: 'free',
      status: 'active',
      limitOverrides: {},
      limits: DEFAULT_PLANS.free,
      ...over,
    });
    return { state, fresh: state };
  };

  it('refuses a suspended account with 403 account_suspended before counting anything', async () => {
    const gate = createRequestGate(stateOf({ status: 'suspended' }), counters);
    await expect(gate.admit(key())).rejects.toMatchObject({ status: 403, options: { code: 'account_suspended' } });
    expect(calls).toEqual([]);
  });

  it('refuses a key whose account is gone as an invalid key', async () => {
    const gate = createRequestGate({ state: async () => undefined, fresh: async () => undefined }, counters);
    await expect(gate.admit(key())).rejects.toMatchObject({ status: 401, options: { code: 'invalid_api_key' } });
  });

  it('checks the minute first, then the month, and names the limit that refused', async () => {
    const k = key();
    const tight = { ...DEFAULT_PLANS.free, requestsPerMinutePerKey: 2, requestsPerMonth: 1 };
    const gate = createRequestGate(stateOf({ limits: tight }), counters);
    expect(await gate.admit(k)).toMatchObject({ requests: { limit: 2, remaining: 1 } });
    expect((await gate.admit(k)).refused).toMatchObject({ limit: 'requestsPerMonth' });
    expect((await gate.admit(k)).refused).toMatchObject({ limit: 'requestsPerMinutePerKey' });
  });
});
