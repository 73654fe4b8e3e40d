import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { POLICY_VERSION } from '../../lambdas/accounts/policy.js';
import { createLedgerStore } from '../../lambdas/store/ledger-items.js';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { settleMetadataWrites } from '../support/canary.js';
import { scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { firstSignIn, invitationPassword } from '../support/invited-user.js';
import { poll } from '../support/poll.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../docs/export.schema.json', import.meta.url), 'utf8'));
// ajv-formats is CommonJS; its default export arrives wrapped depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;
const validate = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(SCHEMA);

let e2e: E2EContext;
let idp: CognitoIdentityProviderClient;
let accountId: string;
/** Another person's access token: an invited user with nothing of the dev user's. */
let otherToken: string;

beforeAll(async () => {
  e2e = await startE2E();
  const { cognitoEndpoint, region } = e2e.local.runtime.config;
  idp = new CognitoIdentityProviderClient({ region, endpoint: cognitoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  accountId = (await e2e.mgmt('GET', '/v1/me')).json.accountId;
  expect(accountId).toMatch(/^acc_/);
  const invited = await e2e.mgmt('POST', '/v1/admin/invitations', { email: 'grace@example.com', plan: 'starter' });
  expect(invited.status).toBe(201);
  const password = await invitationPassword(e2e.local.runtime.mailDir, 'grace@example.com');
  otherToken = await firstSignIn(idp, e2e.local.runtime.config.userPoolClientId, 'grace@example.com', password ?? '');
}, 60_000);

afterAll(async () => {
  idp?.destroy();
  await e2e?.stop();
});

async function as(token: string, method: string, path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${e2e.gatewayUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Starts an export and waits for its job: its id. */
async function exportNow(): Promise<string> {
  const started = await e2e.mgmt('POST', '/v1/me/export');
  expect([started.status, started.json?.error]).toEqual([202, undefined]);
  await e2e.local.runtime.settleEvents();
  return started.json.exportId;
}

describe('P18: export everything held about the account', () => {
  let exportId: string;
  let doc: any;
  let text: string;

  it('P18: creates data of every kind, exports it, and the link serves a gzipped document valid against docs/export.schema.json', async () => {
    expect((await e2e.mgmt('PATCH', '/v1/me', { displayName: 'Dev Export', timezone: 'Europe/Berlin', notifications: { productUpdates: true } })).status).toBe(
      200,
    );
    expect((await e2e.mgmt('POST', '/v1/me/consent', { policyVersion: POLICY_VERSION, over13: true })).status).toBe(201);
    expect((await e2e.mgmt('POST', '/v1/configs', { name: 'p18-config', strategy: 'fallback', targets: [{ model: 'fake/echo' }] })).status).toBe(201);
    const role = await e2e.mgmt('POST', '/v1/roles', {
      name: 'p18-role',
      description: 'Questions about exporting personal data.',
      examples: ['How do I download my data?'],
      keywords: ['export'],
      systemPrompt: 'You explain data exports.',
    });
    expect(role.status).toBe(201);
    // A security event for this account: an admin's change of its standing (here the dev user is the admin).
    expect((await e2e.mgmt('PATCH', `/v1/admin/accounts/${accountId}`, { limits: { requestsPerMinutePerKey: 600 } })).status).toBe(200);
    // Requests through the fake upstream: request metadata, then usage rollups from the activity stream.
    await e2e.client.chat.completions.create({ model: 'fake/echo', messages: [{ role: 'user', content: 'hello' }] });
    await e2e.client.chat.completions.create({ model: 'roukey/p18-config', messages: [{ role: 'user', content: 'hello again' }] });
    await settleMetadataWrites(e2e.local.runtime);
    // The stream may hand the two records over in separate batches: wait until the day's rollup counts both.
    await poll(
      'usage rollups of both requests',
      async () =>
        (await scanRuntimeTables(e2e.local)).usage.some((i) => i.pk === `ACCOUNT#${accountId}` && String(i.sk).startsWith('D#all#') && i.requests === 2)
          ? true
          : undefined,
      20_000,
    );
    // Billing is off locally: a ledger transaction written as billing's webhook would write it.
    const config = e2e.local.runtime.config;
    const db = DynamoDBDocumentClient.from(localDynamoDbClient(config.dynamodbEndpoint));
    await createLedgerStore(db, config.tables.ledger).recordTransaction(accountId, {
      id: 'in_p18export',
      type: 'invoice',
      amount: 1900,
      currency: 'usd',
      tax: 0,
      status: 'paid',
      createdAt: '2026-11-30T12:00:00.000Z',
      hostedInvoiceUrl: null,
      pdfUrl: null,
    });
    db.destroy();

    exportId = await exportNow();
    expect(exportId).toMatch(/^exp_/);
    const status = await e2e.mgmt('GET', `/v1/me/exports/${exportId}`);
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ id: exportId, status: 'ready', progress: 100 });
    expect(status.json.sizeBytes).toBeGreaterThan(100);
    // A presigned link on the local S3 server, valid 15 minutes.
    const url = new URL(status.json.url);
    expect(url.origin).toBe(new URL(config.s3Endpoint ?? '').origin);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');

    const download = await fetch(url);
    expect(download.status).toBe(200);
    const file = Buffer.from(await download.arrayBuffer());
    expect(file.length).toBe(status.json.sizeBytes);
    text = gunzipSync(file).toString('utf8');
    doc = JSON.parse(text);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('P18: the document holds each piece of data created', () => {
    expect(doc).toMatchObject({ schemaVersion: '1.0.0', exportId, accountId, auditEvents: 'not_kept' });
    expect(doc.profile).toMatchObject({ accountId, email: 'dev@roukey.local', displayName: 'Dev Export', status: 'active' });
    expect(doc.preferences).toMatchObject({ timezone: 'Europe/Berlin', notifications: { productUpdates: true } });
    expect(doc.consents.map((c: any) => c.policyVersion)).toContain(POLICY_VERSION);
    expect(doc.providerKeys).toEqual([
      expect.objectContaining({ id: expect.stringMatching(/^pk_/), name: 'fake', provider: 'openai', baseUrl: e2e.upstream.baseUrl }),
    ]);
    expect(doc.providerKeys[0].hint).toContain(e2e.providerSecret.slice(-4));
    expect(doc.apiKeys).toEqual([expect.objectContaining({ id: e2e.apiKeyId, name: 'e2e' })]);
    expect(doc.configs.map((c: any) => c.config.name)).toContain('p18-config');
    expect(doc.roles).toEqual([expect.objectContaining({ role: expect.objectContaining({ name: 'p18-role', systemPrompt: 'You explain data exports.' }) })]);
    expect(doc.requests).toHaveLength(2);
    expect(doc.requests.every((r: any) => r.apiKeyId === e2e.apiKeyId && r.status === 200)).toBe(true);
    expect(doc.requests.map((r: any) => r.configName)).toContain('p18-config');
    expect(doc.usageRollups.some((r: any) => r.granularity === 'day' && r.dimension === 'all' && r.counters.requests === 2)).toBe(true);
    expect(doc.monthlyCounters.length).toBeGreaterThan(0);
    expect(doc.securityEvents).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: expect.objectContaining({ kind: 'admin_action', code: 'limits_changed' }) })]),
    );
    expect(doc.ledger).toEqual([expect.objectContaining({ kind: 'transaction', type: 'invoice', id: 'in_p18export', amount: 1900 })]);
    // Only this account's data: the other account is nowhere.
    expect(text).not.toContain('grace@example.com');
  });

  it('P18/P2: no secret leaves: no ciphertext, wrapped key or key hash, by name or by value', async () => {
    const tables = await scanRuntimeTables(e2e.local);
    const secrets = tables.accounts.flatMap((item) =>
      ['ciphertext', 'wrappedKey', 'keyHash'].flatMap((f) => (typeof item[f] === 'string' ? [item[f] as string] : [])),
    );
    // The account has a provider key and an API key, so there are stored secrets to look for.
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const secret of secrets) expect(text).not.toContain(secret);
    for (const field of ['ciphertext', 'wrappedKey', 'keyHash', 'contextVersion']) expect(text).not.toContain(`"${field}"`);
    expect(text).not.toContain(e2e.providerSecret);
    expect(text).not.toContain(e2e.apiKey);
  });

  it('P18: another account’s export id is a 404, as is an id that cannot exist', async () => {
    const other = await as(otherToken, 'GET', `/v1/me/exports/${exportId}`);
    expect(other.status).toBe(404);
    expect(other.json.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
    expect((await e2e.mgmt('GET', '/v1/me/exports/exp_nothing')).status).toBe(404);
  });

  it('P18: one export in flight (two at once: one 202, one 429) and five a day (the sixth: 429)', async () => {
    // The first export above counts: with the pair's one, two of the day's five are used.
    const pair = await Promise.all([e2e.mgmt('POST', '/v1/me/export'), e2e.mgmt('POST', '/v1/me/export')]);
    expect(pair.map((r) => r.status).sort()).toEqual([202, 429]);
    const refused = pair.find((r) => r.status === 429);
    expect(refused?.json.error).toMatchObject({ type: 'rate_limit_error', code: 'export_in_progress', param: null });
    await e2e.local.runtime.settleEvents();
    for (let i = 0; i < 3; i++) await exportNow();
    const sixth = await e2e.mgmt('POST', '/v1/me/export');
    expect(sixth.status).toBe(429);
    expect(sixth.json.error).toMatchObject({ type: 'rate_limit_error', code: 'export_daily_limit' });
    expect(sixth.json.error.message).toContain('tomorrow');
  });
});
