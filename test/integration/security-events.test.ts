import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAccountService } from '../../lambdas/accounts/account-service.js';
import type { SecurityEvent } from '../../lambdas/security/security-event.js';
import { createAccountRepository } from '../../lambdas/store/accounts-profiles.js';
import { createSecurityEventReader, createSecurityEventRecorder, securitySkBound } from '../../lambdas/store/activity-security-events.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

let tables: Record<TableName, string>;
let db: DynamoDBDocumentClient;
let listEvents: ManagementLambda;

beforeAll(async () => {
  ({ tables } = await createTestTables());
  process.env.LOCAL_KEYRING_FILE = testKeyringFile();
  db = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.DYNAMODB_ENDPOINT!), { marshallOptions: { removeUndefinedValues: true } });
  listEvents = withConsent((await import('../../lambdas/handlers/security-events.js')).handler);
});

/** A document client that counts the UpdateItem calls made through it. */
function countingDb(): { client: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const client = {
    send: (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'UpdateCommand') writes++;
      return db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, writes: () => writes };
}

/** A clock starting at the beginning of the current minute, moved by hand. */
function clock() {
  let t = Math.floor(Date.now() / 60_000) * 60_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function securityItems(pk: string): Promise<Record<string, any>[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: tables.activity,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sec)',
      ExpressionAttributeValues: { ':pk': pk, ':sec': 'SEC#' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function accountOf(sub: string): Promise<string> {
  return createAccountService(createAccountRepository(db, tables.accounts)).ensureAccount(sub);
}

describe('security event recorder (P8)', () => {
  it('P7/P8: writes one item per bucket with the strict event, its count, first time and a 90-day TTL', async () => {
    const accountId = `acc_${randomUUID()}`;
    const { now, advance } = clock();
    const recorder = createSecurityEventRecorder(db, tables.activity, { now });
    const event: SecurityEvent = {
      kind: 'plan_limit',
      accountId,
      code: 'apiKeys',
      route: '/v1/api-keys',
      sourceIp: '203.0.113.5',
      userAgent: 'curl',
      country: 'DE',
    };
    recorder.record(event);
    advance(1_000);
    recorder.record(event);
    await recorder.flush();
    const [item, ...rest] = await securityItems(`ACCOUNT#${accountId}`);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({ kind: 'security', event, count: 2, time: new Date(now() - 1_000).toISOString() });
    const days = (item!.expiresAt - now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);
    expect(item!.sk.startsWith(securitySkBound(now()))).toBe(true);
  });

  it('an event without an account is kept under its source; a malformed one is dropped, never stored', async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250) + 1}`;
    const recorder = createSecurityEventRecorder(db, tables.activity);
    recorder.record({ kind: 'invalid_api_key', keyPrefix: 'rk_AbCd', sourceIp: ip });
    recorder.record({ kind: 'invalid_api_key', sourceIp: ip, prompt: 'CANARY-sec' } as unknown as SecurityEvent);
    recorder.record({ kind: 'invalid_api_key', keyPrefix: 'sk-live-full-secret-key' });
    await recorder.flush();
    const items = await securityItems(`SOURCE#${ip}`);
    expect(items.map((i) => i.event)).toEqual([{ kind: 'invalid_api_key', keyPrefix: 'rk_AbCd', sourceIp: ip }]);
    const all = await db.send(new ScanCommand({ TableName: tables.activity }));
    expect(JSON.stringify(all.Items)).not.toMatch(/CANARY-sec|sk-live-full-secret-key/);
  });

  it('P8: a flood of 1,000 events from one source in one minute costs a bounded number of writes and leaves one item counting 1,000', async () => {
    const ip = '198.51.100.77';
    const { client, writes } = countingDb();
    const { now, advance } = clock();
    const recorder = createSecurityEventRecorder(client, tables.activity, { now, foldIntervalMs: 5_000 });
    // As a Lambda container would: one event per request, a flush after each response, all within the minute.
    for (let i = 0; i < 1_000; i++) {
      recorder.record({ kind: 'invalid_api_key', keyPrefix: 'rk_flood', sourceIp: ip, userAgent: 'curl' });
      await recorder.flush();
      advance(59);
    }
    advance(1_000); // the minute has closed: the remainder goes out at the next flush
    await recorder.flush();
    const items = await securityItems(`SOURCE#${ip}`);
    expect(items).toHaveLength(1);
    expect(items[0]!.count).toBe(1_000);
    // First event, then at most one write per 5 s of the minute, then the remainder: 1 + 12 + 1.
    expect(writes()).toBeLessThanOrEqual(14);
  });

  it('P8: two containers add to the same bucket item', async () => {
    const accountId = `acc_${randomUUID()}`;
    const { now } = clock();
    const a = createSecurityEventRecorder(db, tables.activity, { now });
    const b = createSecurityEventRecorder(db, tables.activity, { now });
    const event: SecurityEvent = { kind: 'rate_limited', accountId, apiKeyId: 'key_1', sourceIp: '203.0.113.8' };
    for (let i = 0; i < 3; i++) a.record(event);
    for (let i = 0; i < 4; i++) b.record(event);
    await Promise.all([a.flush(), b.flush()]);
    const items = await securityItems(`ACCOUNT#${accountId}`);
    expect(items.map((i) => i.count)).toEqual([7]);
  });

  it('P8: a flood of varied events (a new bad key each time) from one source still lands in a few items', async () => {
    const ip = '198.51.100.78';
    const { client, writes } = countingDb();
    const { now, advance } = clock();
    const recorder = createSecurityEventRecorder(client, tables.activity, { now, maxBucketsPerSourceMinute: 10 });
    for (let i = 0; i < 500; i++) {
      recorder.record({ kind: 'invalid_api_key', keyPrefix: `rk_${String(i).padStart(5, '0')}`, sourceIp: ip, userAgent: `bot${i}` });
      await recorder.flush();
      advance(100);
    }
    advance(60_000);
    await recorder.flush();
    const items = await securityItems(`SOURCE#${ip}`);
    // Ten detailed buckets, the rest counted in one bucket without the varying details.
    expect(items).toHaveLength(11);
    expect(items.reduce((n, i) => n + i.count, 0)).toBe(500);
    expect(items.find((i) => i.count === 490)!.event).toEqual({ kind: 'invalid_api_key', sourceIp: ip });
    expect(writes()).toBeLessThanOrEqual(10 + 1 + 13);
  });

  it('holds at most maxBuckets in memory: events that would open another are dropped', async () => {
    const accountId = `acc_${randomUUID()}`;
    const recorder = createSecurityEventRecorder(db, tables.activity, { maxBuckets: 3, maxBucketsPerSourceMinute: 100 });
    for (let i = 0; i < 10; i++) recorder.record({ kind: 'plan_limit', accountId, code: `limit${i}` });
    await recorder.flush();
    expect(await securityItems(`ACCOUNT#${accountId}`)).toHaveLength(3);
  });

  it('a failed write is kept and written at the next flush', async () => {
    const accountId = `acc_${randomUUID()}`;
    let fail = true;
    const flaky = {
      send: (c: never) => (fail ? Promise.reject(Object.assign(new Error('throttled'), { name: 'ThrottlingException' })) : db.send(c)),
    } as unknown as DynamoDBDocumentClient;
    const { now, advance } = clock();
    const recorder = createSecurityEventRecorder(flaky, tables.activity, { now });
    recorder.record({ kind: 'account_suspended', accountId });
    await recorder.flush();
    fail = false;
    advance(5_000);
    await recorder.flush();
    expect((await securityItems(`ACCOUNT#${accountId}`)).map((i) => i.count)).toEqual([1]);
  });
});

describe('GET /v1/security-events', () => {
  async function seed(accountId: string, minutesAgo: number[], kind: SecurityEvent['kind'] = 'plan_limit') {
    for (const m of minutesAgo) {
      const at = Date.now() - m * 60_000;
      const recorder = createSecurityEventRecorder(db, tables.activity, { now: () => at });
      recorder.record({ kind, accountId, code: `m${m}`, sourceIp: '203.0.113.1' });
      await recorder.flush();
    }
  }

  it('P8/P23: lists the caller’s own events newest first, page by page with an opaque cursor', async () => {
    const sub = randomUUID();
    const accountId = await accountOf(sub);
    await seed(accountId, [5, 1, 3, 4, 2]);
    const other = await accountOf(randomUUID());
    await seed(other, [1]);
    const first = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { limit: '2' } }));
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: any) => e.code)).toEqual(['m1', 'm2']);
    expect(first.body.has_more).toBe(true);
    expect(first.body.data[0]).toEqual({
      object: 'security_event',
      source: 'roukey',
      time: expect.any(String),
      kind: 'plan_limit',
      count: 1,
      apiKeyId: null,
      keyPrefix: null,
      actorAccountId: null,
      code: 'm1',
      route: null,
      sourceIp: '203.0.113.1',
      userAgent: null,
      country: null,
      city: null,
      device: null,
      risk: null,
    });
    const codes = [...first.body.data.map((e: any) => e.code)];
    let cursor: string | null = first.body.next_cursor;
    while (cursor) {
      const page = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { limit: '2', cursor } }));
      expect(page.status).toBe(200);
      codes.push(...page.body.data.map((e: any) => e.code));
      cursor = page.body.next_cursor;
    }
    expect(codes).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('filters by kind and time range', async () => {
    const sub = randomUUID();
    const accountId = await accountOf(sub);
    await seed(accountId, [10, 20], 'plan_limit');
    await seed(accountId, [15], 'plan_feature');
    const byKind = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { kind: 'plan_feature' } }));
    expect(byKind.body.data.map((e: any) => e.code)).toEqual(['m15']);
    const from = new Date(Date.now() - 16 * 60_000).toISOString();
    const to = new Date(Date.now() - 12 * 60_000).toISOString();
    const ranged = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { from, to } }));
    expect(ranged.body.data.map((e: any) => e.code)).toEqual(['m15']);
  });

  it('leaves out items past their TTL that DynamoDB has not deleted yet', async () => {
    const sub = randomUUID();
    const accountId = await accountOf(sub);
    await db.send(
      new PutCommand({
        TableName: tables.activity,
        Item: {
          pk: `ACCOUNT#${accountId}`,
          sk: `${securitySkBound(Date.now())}#00000000000000aa`,
          kind: 'security',
          event: { kind: 'plan_limit', accountId },
          count: 1,
          time: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) - 10,
        },
      }),
    );
    const res = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub }));
    expect(res.body).toEqual({ object: 'list', data: [], has_more: false, next_cursor: null });
  });

  it('a tampered, foreign or made-up cursor is a 400 naming cursor; bad parameters are 400s naming them', async () => {
    const sub = randomUUID();
    const accountId = await accountOf(sub);
    await seed(accountId, [1, 2]);
    const page = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { limit: '1' } }));
    const cursor: string = page.body.next_cursor;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const tampered = [
      `${cursor}x`,
      cursor.slice(0, -2),
      'not a cursor',
      Buffer.from(JSON.stringify({ after: decoded.after.replace('SEC#', 'REQ#') })).toString('base64url'),
      Buffer.from(JSON.stringify({ after: decoded.after, pk: 'ACCOUNT#other' })).toString('base64url'),
      Buffer.from(JSON.stringify({ after: 'SEC#1999-01-01T00:00#0123456789abcdef' })).toString('base64url'),
    ];
    for (const bad of tampered) {
      const res = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query: { cursor: bad } }));
      expect({ bad, status: res.status, param: res.body.error.param }).toEqual({ bad, status: 400, param: 'cursor' });
    }
    for (const [query, param] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ kind: 'everything' }, 'kind'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: new Date().toISOString(), to: new Date(Date.now() - 60_000).toISOString() }, 'from'],
      [{ pageSize: '3' }, 'pageSize'],
    ] as const) {
      const res = await call(listEvents, managementEvent('GET', '/v1/security-events', { sub, query }));
      expect({ query, status: res.status, param: res.body.error.param }).toEqual({ query, status: 400, param });
    }
  });

  it('the reader stops after a bounded number of reads and hands back a cursor', async () => {
    const accountId = `acc_${randomUUID()}`;
    const at = Date.now();
    const recorder = createSecurityEventRecorder(db, tables.activity, { now: () => at, maxBucketsPerSourceMinute: 100 });
    for (let i = 0; i < 30; i++) recorder.record({ kind: 'plan_limit', accountId, code: `c${i}` });
    recorder.record({ kind: 'admin_action', accountId, code: 'suspended' });
    await recorder.flush();
    const reader = createSecurityEventReader(db, tables.activity);
    const page = await reader.list(accountId, { from: at - 60_000, to: at, kind: 'cross_account', limit: 5 });
    // Five reads of five items each found no cross_account event; the listing says where to go on.
    expect(page).toEqual({ events: [], after: expect.stringMatching(/^SEC#/) });
  });
});
