import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminCreateUserCommand, AdminGetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM } from '../../lambdas/store/accounts-items.js';
import { ITEM as LIMIT_ITEM, monthCounterExpiresAt, monthOf } from '../../lambdas/store/limits-items.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { DEFAULT_PLANS } from '../../lambdas/plans/catalog.js';
import { cognitoLocalClient, ensureCognitoSetup } from '../../lib/local/cognito-bootstrap.js';
import { startCognitoLocal, type CognitoLocal } from '../../lib/local/cognito-local.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables } from '../support/tables.js';

let tables: Record<TableName, string>;
let db: DynamoDBDocumentClient;
let cognito: CognitoLocal;
let idp: CognitoIdentityProviderClient;
let userPoolId: string;
let dataDir: string;
let invitations: ManagementLambda;
let accounts: ManagementLambda;
let securityEvents: ManagementLambda;
let apiKeys: ManagementLambda;

beforeAll(async () => {
  ({ tables } = await createTestTables());
  dataDir = mkdtempSync(join(tmpdir(), 'roukey-admin-'));
  writeFileSync(join(dataDir, 'keyring'), randomBytes(32), { mode: 0o600 });
  cognito = await startCognitoLocal({ dataDir: join(dataDir, 'cognito'), mailDir: join(dataDir, 'mail'), quiet: true });
  idp = cognitoLocalClient(cognito.endpoint, 'us-east-1');
  const setup = await ensureCognitoSetup(idp);
  userPoolId = setup.userPoolId;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    ROUKEY_DEFAULT_PLAN: 'free',
    LOCAL_KEYRING_FILE: join(dataDir, 'keyring'),
    COGNITO_USER_POOL_ID: setup.userPoolId,
    COGNITO_CLIENT_ID: setup.userPoolClientId,
    COGNITO_ENDPOINT: cognito.endpoint,
  });
  db = DynamoDBDocumentClient.from(localDynamoDbClient(process.env.DYNAMODB_ENDPOINT!));
  invitations = withConsent((await import('../../lambdas/handlers/admin-invitations.js')).handler);
  accounts = withConsent((await import('../../lambdas/handlers/admin-accounts.js')).handler);
  securityEvents = withConsent((await import('../../lambdas/handlers/security-events.js')).handler);
  apiKeys = withConsent((await import('../../lambdas/handlers/api-keys.js')).handler);
});

afterAll(async () => {
  idp.destroy();
  await cognito.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const admin = { sub: randomUUID(), groups: ['admins'] };
const invite = (body: unknown, caller: { sub: string; groups?: string[] } = admin) =>
  call(invitations, managementEvent('POST', '/v1/admin/invitations', { ...caller, body }));
const list = (query: Record<string, string> = {}, caller: { sub: string; groups?: string[] } = admin) =>
  call(accounts, managementEvent('GET', '/v1/admin/accounts', { ...caller, query }));
const patch = (id: string, body: unknown, caller: { sub: string; groups?: string[] } = admin) =>
  call(accounts, managementEvent('PATCH', '/v1/admin/accounts/{id}', { ...caller, body, params: { id } }));
const eventsOf = async (sub: string, kind?: string) =>
  (await call(securityEvents, managementEvent('GET', '/v1/security-events', { sub, query: kind ? { kind } : {} }))).body.data as any[];
const email = () => `person-${randomUUID().slice(0, 8)}@example.com`;

describe('admin API: admins only', () => {
  it.each([
    ['POST /v1/admin/invitations', () => invite({ email: email() }, { sub: randomUUID(), groups: ['team'] })],
    ['GET /v1/admin/accounts', () => list({}, { sub: randomUUID() })],
    ['PATCH /v1/admin/accounts/{id}', () => patch('acc_AAAAAAAAAAAAAAAAAAAAAA', { plan: 'enterprise' }, { sub: randomUUID(), groups: ['administrators'] })],
  ])('P8/P23: %s → 403 admin_required for a non-admin, and the refusal is a security event on their account', async (_route, attempt) => {
    const res = await attempt();
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ type: 'permission_error', code: 'admin_required' });
  });

  it('the refusal is listed in the caller’s own security events with the route and source', async () => {
    const sub = randomUUID();
    await list({}, { sub });
    const [event] = await eventsOf(sub, 'admin_required');
    expect(event).toMatchObject({ kind: 'admin_required', route: '/v1/admin/accounts', sourceIp: '198.51.100.7', userAgent: 'test-client', count: 1 });
  });
});

describe('POST /v1/admin/invitations', () => {
  it('creates the sign-in (Cognito mails the temporary password) and the account at once, on the plan given, keyed by the new sub', async () => {
    const address = email();
    const res = await invite({ email: address, plan: 'professional' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'account',
      id: expect.stringMatching(/^acc_/),
      email: address,
      plan: 'professional',
      status: 'active',
      limits: {},
      effectiveLimits: DEFAULT_PLANS.professional,
      createdAt: expect.any(String),
      lastActiveAt: null,
      requestsThisMonth: 0,
    });
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: address }));
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    expect((await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.user(sub) }))).Item?.accountId).toBe(res.body.id);
    // The invited user's first call finds that account, on that plan.
    const created = await call(apiKeys, managementEvent('POST', '/v1/api-keys', { sub, body: { name: 'first' } }));
    expect(created.status).toBe(201);
  });

  it('P7/P8: the invitation is an admin_action on the new account, naming the admin but not their source address', async () => {
    const res = await invite({ email: email() });
    expect(res.body.plan).toBe('free');
    const adminAccount = (await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.user(admin.sub) }))).Item!.accountId;
    const item = await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.profile(res.body.id) }));
    expect(item.Item).toMatchObject({ plan: 'free', status: 'active', listPk: 'ACCOUNT' });
    const { Items } = await db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: tables.activity,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${res.body.id}` },
      }),
    );
    expect(Items!.map((i) => i.event)).toEqual([
      { kind: 'admin_action', code: 'invited', actorAccountId: adminAccount, accountId: res.body.id, route: '/v1/admin/invitations' },
    ]);
  });

  it('an address that can already sign in is a 409; bad input is a 400 naming the field', async () => {
    const address = email();
    expect((await invite({ email: address })).status).toBe(201);
    const again = await invite({ email: address });
    expect(again.status).toBe(409);
    expect(again.body.error.param).toBe('email');
    expect((await invite({ email: 'not-an-address' })).body.error.param).toBe('email');
    expect((await invite({ email: email(), plan: 'gold' })).body.error.param).toBe('plan');
    expect((await invite({ email: email(), role: 'admin' })).body.error.param).toBe('role');
  });
});

describe('GET /v1/admin/accounts', () => {
  it('lists accounts newest first, page by page, with plan, status, last activity and requests this month', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await invite({ email: email(), plan: 'starter' })).body.id as string);
    const month = monthOf(Date.now());
    await db.send(
      new PutCommand({
        TableName: tables.limits,
        Item: { ...LIMIT_ITEM.month(ids[0]!, month), requests: 42, tokens: 9000, expiresAt: monthCounterExpiresAt(month) },
      }),
    );

    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await list({ limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    const created = seen.map((a) => a.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const mine = seen.filter((a) => ids.includes(a.id));
    expect(mine.map((a) => a.id)).toEqual([...ids].reverse());
    expect(mine.find((a) => a.id === ids[0])).toMatchObject({ plan: 'starter', status: 'active', requestsThisMonth: 42 });
    // The admin's own account is listed with its last activity.
    expect(seen.some((a) => a.lastActiveAt !== null)).toBe(true);
  });

  it('a tampered cursor is a 400 naming cursor', async () => {
    await invite({ email: email() });
    const page = await list({ limit: '1' });
    for (const bad of [`${page.body.next_cursor}A`, Buffer.from('{"createdAt":"x","accountId":"acc_1"}').toString('base64url'), 'garbage!']) {
      const res = await list({ cursor: bad });
      expect({ status: res.status, param: res.body.error.param }).toEqual({ status: 400, param: 'cursor' });
    }
  });
});

describe('PATCH /v1/admin/accounts/{id}', () => {
  it('sets plan, limit overrides (how Enterprise is sold) and status; each change is an admin_action on that account', async () => {
    const target = (await invite({ email: email() })).body.id as string;
    const res = await patch(target, { plan: 'enterprise', limits: { apiKeys: 900, bedrock: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      plan: 'enterprise',
      limits: { apiKeys: 900, bedrock: true },
      effectiveLimits: { ...DEFAULT_PLANS.enterprise, apiKeys: 900 },
    });
    // limits replaces the overrides as a whole: {} clears them.
    expect((await patch(target, { limits: {} })).body.limits).toEqual({});
    expect((await patch(target, { status: 'suspended' })).body.status).toBe('suspended');
    const { Items } = await db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: tables.activity,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${target}` },
      }),
    );
    // Equal events in the same minute are one item with a count (the second limits change is folded into it later).
    expect(Items!.map((i) => i.event.code).sort()).toEqual(['invited', 'limits_changed', 'plan_changed', 'suspended']);
    expect(Items!.every((i) => i.event.actorAccountId !== undefined && i.event.kind === 'admin_action')).toBe(true);
  });

  it('unknown limit names are a 400 naming them; bad values, plans and statuses are 400s naming the field', async () => {
    const target = (await invite({ email: email() })).body.id as string;
    const unknown = await patch(target, { limits: { apiKeys: 5, requestsPerHour: 10 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('limits.requestsPerHour');
    expect(unknown.body.error.message).toContain('requestsPerHour');
    expect((await patch(target, { limits: { apiKeys: -1 } })).body.error.param).toBe('limits.apiKeys');
    expect((await patch(target, { plan: 'gold' })).body.error.param).toBe('plan');
    expect((await patch(target, { status: 'banned' })).body.error.param).toBe('status');
    expect((await patch(target, {})).status).toBe(400);
  });

  it('an unknown or malformed id is a 404; an admin cannot suspend their own account', async () => {
    expect((await patch('acc_AAAAAAAAAAAAAAAAAAAAAA', { plan: 'starter' })).status).toBe(404);
    expect((await patch('nope', { plan: 'starter' })).status).toBe(404);
    await list();
    const own = (await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.user(admin.sub) }))).Item!.accountId as string;
    const res = await patch(own, { status: 'suspended' });
    expect(res.status).toBe(409);
  });
});

describe('suspension and account details', () => {
  it('P23: a suspended account’s management calls get 403 account_suspended, and recorded as a security event', async () => {
    const address = email();
    const target = (await invite({ email: address })).body.id as string;
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: address }));
    const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
    await patch(target, { status: 'suspended' });
    const refused = await call(apiKeys, managementEvent('POST', '/v1/api-keys', { sub, body: { name: 'x' } }));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'account_suspended', type: 'permission_error' });
    const { Items } = await db.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: tables.activity,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${target}` },
      }),
    );
    expect(Items!.map((i) => i.event.kind)).toContain('account_suspended');
  });

  it('a self-signed-up user’s email is read once from the directory on their first call; the call stamps lastActiveAt', async () => {
    const address = email();
    const created = await idp.send(
      new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: address, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: address }] }),
    );
    const username = created.User!.Username!;
    const sub = created.User!.Attributes!.find((a) => a.Name === 'sub')!.Value!;
    const res = await call(apiKeys, managementEvent('GET', '/v1/api-keys', { sub }));
    expect(res.status).toBe(200);
    const accountId = (await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.user(sub), ConsistentRead: true }))).Item!.accountId as string;
    const profile = (await db.send(new GetCommand({ TableName: tables.accounts, Key: ITEM.profile(accountId), ConsistentRead: true }))).Item!;
    expect(profile).toMatchObject({ email: address, lastActiveAt: expect.any(String), listPk: 'ACCOUNT' });
    expect(username).toBe(sub);
  });
});
