import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ACCOUNT_STATE_TTL_MS } from '../../lambdas/accounts/account-state.js';
import { readMail } from '../../lambdas/notices/mail-files.js';
import { billingParts } from '../../lambdas/billing/billing-context.js';
import { runBillingSync } from '../../lambdas/billing/billing-sync.js';
import { WEBHOOK_TOLERANCE_SECONDS } from '../../lambdas/billing/webhook-service.js';
import { BILLING_TERMS, DEFAULT_PLANS } from '../../lambdas/plans/catalog.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import type { TableName } from '../../lambdas/store/tables.js';
import { CUSTOMER_DETAILS, TEST_CARD_NUMBER, startFakeStripe, type FakeStripe } from '../fakes/stripe.js';
import { call, managementEvent, type ManagementLambda, withConsent } from '../support/management-event.js';
import { createTestTables, scanAllTables } from '../support/tables.js';
import { testKeyringFile } from '../support/keyring.js';

jest.setTimeout(30_000);

const WEBHOOK_SECRET = 'whsec_test_billing';
const PRICES = {
  starter: { month: 'price_starterMonth', year: 'price_starterYear' },
  professional: { month: 'price_proMonth', year: 'price_proYear', overageMeter: 'roukey_requests' },
};

let endpoint: string;
let tables: Record<TableName, string>;
let stripe: FakeStripe;
let billing: ManagementLambda;
let webhook: ManagementLambda;
let securityEvents: ManagementLambda;
let me: ManagementLambda;
let mailDir: string;

beforeAll(async () => {
  ({ endpoint, tables } = await createTestTables());
  stripe = await startFakeStripe(WEBHOOK_SECRET);
  mailDir = join(mkdtempSync(join(tmpdir(), 'roukey-billing-')), 'mail');
  Object.assign(process.env, {
    ROUKEY_MAIL_DIR: mailDir,
    LOCAL_KEYRING_FILE: testKeyringFile(),
    ROUKEY_DEFAULT_PLAN: 'free',
    ROUKEY_PLANS: '{}',
    STRIPE_SECRET_KEY: 'sk_test_fake',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: stripe.origin,
    STRIPE_PRICES: JSON.stringify(PRICES),
    BILLING_RETURN_URL: 'https://dashboard.example.com/billing',
  });
  billing = withConsent((await import('../../lambdas/handlers/billing.js')).handler);
  webhook = (await import('../../lambdas/handlers/billing-webhook.js')).handler;
  securityEvents = withConsent((await import('../../lambdas/handlers/security-events.js')).handler);
  me = (await import('../../lambdas/handlers/me.js')).handler;
});

afterAll(async () => {
  await stripe.close();
});

const get = (sub: string, resource = '/v1/billing', query?: Record<string, string>) => call(billing, managementEvent('GET', resource, { sub, query }));
const post = (sub: string, resource: string, body?: unknown) => call(billing, managementEvent('POST', resource, { sub, body }));

/** Stripe's delivery of `payload` exactly as given, with its signature header. */
function delivery(payload: string, signature: string): APIGatewayProxyEvent {
  const event = managementEvent('POST', '/v1/billing/webhook', { body: payload });
  return { ...event, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Stripe-Signature': signature } };
}
async function deliver(type: string, object: unknown, options: { timestamp?: number; secret?: string } = {}) {
  const payload = JSON.stringify(stripe.event(type, object), null, 2);
  return call(webhook, delivery(payload, stripe.sign(payload, options)));
}

async function accountIdOf(sub: string): Promise<string> {
  const { accounts } = (await import('../../lambdas/http/management-context.js')).managementContext();
  const id = await accounts.findAccountId(sub, { consistent: true });
  if (!id) throw new Error('no account');
  return id;
}
async function planOf(sub: string): Promise<string | undefined> {
  const { accounts } = (await import('../../lambdas/http/management-context.js')).managementContext();
  return (await accounts.standing(await accountIdOf(sub)))?.plan;
}
/** Gives the account an address (no user pool here to read it from), where its notices go; the subjects mailed to it. */
async function mailbox(sub: string): Promise<() => Promise<string[]>> {
  const { accounts } = (await import('../../lambdas/http/management-context.js')).managementContext();
  const email = `${sub.slice(0, 8)}@example.org`;
  await accounts.setEmail(await accountIdOf(sub), email);
  return async () => (await readMail(mailDir)).filter((m) => m.to === email).map((m) => m.subject);
}
const billingEventsOf = async (sub: string) =>
  ((await call(securityEvents, managementEvent('GET', '/v1/security-events', { sub, query: { kind: 'billing' } }))).body.data as any[]).map((e) => e.code);
async function ledgerItems(): Promise<Record<string, unknown>[]> {
  return (await scanAllTables(endpoint, tables)).ledger;
}

/** A new person who buys `plan` through Checkout; returns what the fake made. */
async function subscribe(plan: 'starter' | 'professional' = 'starter') {
  const sub = randomUUID();
  const res = await post(sub, '/v1/billing/checkout', { plan, interval: 'month' });
  expect(res.status).toBe(200);
  const session = [...stripe.sessions.values()].find((s) => s.url === res.body.url);
  const paid = stripe.completeCheckout(session.id);
  expect((await deliver('checkout.session.completed', paid.session)).status).toBe(200);
  expect((await deliver('invoice.paid', paid.invoice)).status).toBe(200);
  return { sub, ...paid };
}

describe('checkout (P14, P15)', () => {
  it('P14: a Checkout Session in subscription mode with automatic tax, tax ids and a required billing address, for one customer', async () => {
    const sub = randomUUID();
    const first = await post(sub, '/v1/billing/checkout', { plan: 'starter', interval: 'year' });
    const again = await post(sub, '/v1/billing/checkout', { plan: 'starter', interval: 'year' });
    expect(first).toMatchObject({ status: 200, body: { url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\//) } });
    // The retried call carries the same idempotency keys, so Stripe answers with the same session and customer.
    expect(again.body.url).toBe(first.body.url);
    const accountId = await accountIdOf(sub);
    const creates = stripe.requests.filter((r) => r.path === '/v1/customers');
    const mine = creates.filter((r) => r.params.metadata?.accountId === accountId);
    expect(new Set(mine.map((r) => r.idempotencyKey))).toEqual(new Set([`roukey-customer-${accountId}`]));
    expect([...stripe.customers.values()].filter((c) => c.metadata.accountId === accountId)).toHaveLength(1);
    const sessions = stripe.requests.filter((r) => r.path === '/v1/checkout/sessions' && r.params.client_reference_id === accountId);
    expect(sessions[0]?.params).toMatchObject({
      mode: 'subscription',
      line_items: { 0: { price: 'price_starterYear', quantity: '1' } },
      automatic_tax: { enabled: 'true' },
      tax_id_collection: { enabled: 'true' },
      billing_address_collection: 'required',
      customer_update: { address: 'auto', name: 'auto' },
      subscription_data: { metadata: { accountId } },
      success_url: 'https://dashboard.example.com/billing',
    });
    expect(sessions[0]?.idempotencyKey).toBe(sessions[1]?.idempotencyKey);
  });

  it.each([
    ['the current plan', { plan: 'free', interval: 'month' }],
    ['an unknown plan', { plan: 'platinum', interval: 'month' }],
    ['Enterprise (sold by contract)', { plan: 'enterprise', interval: 'year' }],
  ])('P15: asking for %s is a 400 naming plan, and nothing is created at Stripe', async (_case, body) => {
    const before = stripe.requests.length;
    const res = await post(randomUUID(), '/v1/billing/checkout', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'plan' });
    expect(stripe.requests.length).toBe(before);
  });

  it('P15: checkout completed → the plan is set and its limits raised, within the 30 s the router trusts a plan', async () => {
    const { sub, subscription } = await subscribe('professional');
    expect(await planOf(sub)).toBe('professional');
    expect(ACCOUNT_STATE_TTL_MS).toBeLessThanOrEqual(30_000);
    const overview = await get(sub);
    expect(overview).toMatchObject({
      status: 200,
      body: {
        enabled: true,
        plan: 'professional',
        status: 'active',
        cancelAtPeriodEnd: false,
        currentPeriodEnd: new Date(subscription.items.data[0].current_period_end * 1000).toISOString(),
        notice: null,
        usage: {
          requestsPerMonth: { used: 0, limit: DEFAULT_PLANS.professional.requestsPerMonth },
          tokensPerMonth: { used: 0, limit: null },
          apiKeys: { used: 0, limit: DEFAULT_PLANS.professional.apiKeys },
          configs: { used: 0, limit: DEFAULT_PLANS.professional.configs },
        },
      },
    });
    expect(await billingEventsOf(sub)).toContain('plan_changed');
  });
});

describe('portal', () => {
  it('P15: a portal session for the account’s customer; a downgrade made there reaches the plan', async () => {
    const { sub, subscription } = await subscribe('professional');
    // A second Checkout would bill a second subscription beside the first: changes go through the portal.
    const sessionsBefore = stripe.sessions.size;
    const second = await post(sub, '/v1/billing/checkout', { plan: 'starter', interval: 'month' });
    expect(second).toMatchObject({ status: 409, body: { error: { code: 'subscription_active', param: 'plan' } } });
    expect(stripe.sessions.size).toBe(sessionsBefore);
    const portal = await post(sub, '/v1/billing/portal');
    expect(portal).toMatchObject({ status: 200, body: { url: expect.stringMatching(/^https:\/\/billing\.stripe\.test\//) } });
    expect(stripe.requests.at(-1)?.params.customer).toBe(subscription.customer);
    const downgraded = stripe.updateSubscription(subscription.id, { price: 'price_starterMonth', cancelAtPeriodEnd: true });
    expect((await deliver('customer.subscription.updated', downgraded)).status).toBe(200);
    expect(await planOf(sub)).toBe('starter');
    expect((await get(sub)).body).toMatchObject({ plan: 'starter', cancelAtPeriodEnd: true });
    // Cancelled at the period's end: the default plan from then on.
    const ended = stripe.updateSubscription(subscription.id, { status: 'canceled' });
    await deliver('customer.subscription.deleted', ended);
    expect(await planOf(sub)).toBe('free');
    expect((await get(sub)).body.status).toBe('canceled');
  });
});

describe('billing notices (P21)', () => {
  it('P21: a plan change is mailed to the account, and no longer once billing notices are turned off', async () => {
    const { sub, subscription } = await subscribe('professional');
    const subjects = await mailbox(sub);
    const downgraded = stripe.updateSubscription(subscription.id, { price: 'price_starterMonth' });
    expect((await deliver('customer.subscription.updated', downgraded)).status).toBe(200);
    const mail = (await readMail(mailDir)).filter((m) => m.subject === 'RouKey: your plan changed' && m.body.includes('professional plan to the starter'));
    expect(mail).toHaveLength(1);
    expect(await subjects()).toEqual(['RouKey: your plan changed']);

    expect((await call(me, managementEvent('PATCH', '/v1/me', { sub, body: { notifications: { billing: false } } }))).status).toBe(200);
    const upgraded = stripe.updateSubscription(subscription.id, { price: 'price_proMonth' });
    expect((await deliver('customer.subscription.updated', upgraded)).status).toBe(200);
    expect(await planOf(sub)).toBe('professional');
    expect(await subjects()).toEqual(['RouKey: your plan changed']);
  });
});

describe('webhooks: each event once, verified, in any order', () => {
  it('P12: a replayed event has exactly one effect', async () => {
    const { subscription } = await subscribe();
    const accountId = subscription.metadata.accountId;
    const invoice = [...stripe.invoices.values()].find((i) => i.parent.subscription_details.subscription === subscription.id);
    const payload = JSON.stringify(stripe.event('invoice.paid', invoice));
    const signature = stripe.sign(payload);
    const first = await call(webhook, delivery(payload, signature));
    const replay = await call(webhook, delivery(payload, signature));
    expect(first.body).toEqual({ received: true });
    expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    const txs = (await ledgerItems()).filter((i) => i.pk === `ACCOUNT#${accountId}` && String(i.sk).startsWith('TX#'));
    expect(txs.filter((t) => t.type === 'invoice')).toHaveLength(1);
    expect(txs.filter((t) => t.type === 'payment')).toHaveLength(1);
  });

  it.each([
    ['forged (signed with another secret)', { secret: 'whsec_someone_else' }],
    ['stale (signed more than 300 s ago)', { timestamp: Math.floor(Date.now() / 1000) - WEBHOOK_TOLERANCE_SECONDS - 5 }],
  ])('a %s delivery is a 400 and writes nothing', async (_case, options) => {
    const { subscription } = await subscribe();
    const before = await ledgerItems();
    const downgrade = stripe.updateSubscription(subscription.id, { status: 'canceled' });
    const res = await deliver('customer.subscription.deleted', downgrade, options);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', param: 'Stripe-Signature' });
    expect(await ledgerItems()).toEqual(before);
  });

  it('a body changed after signing is a 400 and writes nothing', async () => {
    const before = await ledgerItems();
    const payload = JSON.stringify(stripe.event('invoice.paid', { id: 'in_x', customer: 'cus_x' }));
    const res = await call(webhook, delivery(payload.replace('in_x', 'in_y'), stripe.sign(payload)));
    expect(res.status).toBe(400);
    expect(await ledgerItems()).toEqual(before);
  });

  it('out of order: an older subscription.updated arriving last does not undo the newer state (Stripe is re-read)', async () => {
    const { sub, subscription } = await subscribe('starter');
    const older = stripe.updateSubscription(subscription.id, { price: 'price_proMonth' });
    const newer = stripe.updateSubscription(subscription.id, { price: 'price_starterMonth', cancelAtPeriodEnd: true });
    await deliver('customer.subscription.updated', newer);
    await deliver('customer.subscription.updated', older);
    expect(await planOf(sub)).toBe('starter');
    expect((await get(sub)).body.cancelAtPeriodEnd).toBe(true);
  });

  it('an event for a customer RouKey did not create is acknowledged and recorded, not retried', async () => {
    const foreign = stripe.foreignCustomer();
    const res = await deliver('invoice.paid', { id: 'in_foreign', object: 'invoice', customer: foreign.id });
    expect(res).toMatchObject({ status: 200, body: { received: true } });
    const recorded = (await ledgerItems()).filter((i) => String(i.pk).startsWith('EVENT#') && i.type === 'invoice.paid' && i.outcome === 'unknown_customer');
    expect(recorded.length).toBeGreaterThanOrEqual(1);
  });

  it('P12: a refund is a ledger entry; transactions list newest first, page by page, with a 7-year TTL', async () => {
    const { sub, charge } = await subscribe();
    await deliver('charge.refunded', stripe.refund(charge.id, 1_000));
    const page1 = await get(sub, '/v1/billing/transactions', { limit: '2' });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await get(sub, '/v1/billing/transactions', { limit: '2', cursor: page1.body.nextCursor });
    const all = [...page1.body.data, ...page2.body.data];
    expect(all.map((t: any) => t.type).sort()).toEqual(['invoice', 'payment', 'plan_change', 'refund']);
    expect(all.map((t: any) => t.createdAt)).toEqual([...all.map((t: any) => t.createdAt)].sort().reverse());
    expect(all.find((t: any) => t.type === 'refund')).toMatchObject({ amount: 1_000, currency: 'eur', status: 'partially_refunded' });
    expect(all.find((t: any) => t.type === 'invoice')).toMatchObject({
      amount: 2_420,
      tax: 420,
      status: 'paid',
      hostedInvoiceUrl: expect.any(String),
      pdfUrl: expect.any(String),
    });
    const sevenYears = Math.floor(Date.now() / 1000) + RETENTION.ledgerDays * 86_400;
    for (const item of await ledgerItems()) expect(Math.abs((item.expiresAt as number) - sevenYears)).toBeLessThan(600);
    expect((await get(sub, '/v1/billing/transactions', { cursor: 'bm90LWEtY3Vyc29y' })).body.error.param).toBe('cursor');
  });
});

describe('a failed payment', () => {
  it('P15: the plan holds through the grace period (notice + audit event), then falls to the default plan', async () => {
    const { sub, subscription } = await subscribe('professional');
    const accountId = subscription.metadata.accountId;
    const subjects = await mailbox(sub);
    const failed = stripe.failRenewal(subscription.id);
    expect((await deliver('invoice.payment_failed', failed)).status).toBe(200);
    expect(await planOf(sub)).toBe('professional');
    const during = (await get(sub)).body;
    expect(during.notice).toMatchObject({ code: 'payment_failed' });
    // The account's user is told by email too, once (P21: billing notices are on unless turned off).
    expect(await subjects()).toEqual(['RouKey: a payment failed']);
    const graceMs = Date.parse(during.notice.graceEndsAt) - Date.now();
    expect(graceMs).toBeGreaterThan((BILLING_TERMS.paymentGraceDays - 1) * 86_400_000);
    expect(await billingEventsOf(sub)).toContain('payment_failed');

    // The nightly sync on the day the grace period has run out.
    const parts = await billingParts();
    if (!parts) throw new Error('billing off');
    const later = () => Date.now() + (BILLING_TERMS.paymentGraceDays + 1) * 86_400_000;
    const corrections: number[] = [];
    const result = await runBillingSync(
      { ...parts.deps, now: later, metrics: { corrections: (n) => corrections.push(n) } },
      `grace-${randomUUID().slice(0, 4)}`,
    );
    expect(result.failed).toBe(0);
    expect(await planOf(sub)).toBe('free');
    expect((await get(sub)).body).toMatchObject({ plan: 'free', status: 'past_due', notice: { code: 'grace_ended' } });
    expect(await billingEventsOf(sub)).toEqual(expect.arrayContaining(['grace_ended', 'sync_corrected']));
    expect(accountId).toMatch(/^acc_/);
    // One notice says the plan ended; no second one for the plan change it caused.
    expect(await subjects()).toEqual(['RouKey: a payment failed', 'RouKey: your plan has ended']);
  });
});

describe('the nightly sync', () => {
  it('repairs a missed webhook once per run date, counting each correction as a metric and an audit event', async () => {
    const { sub, subscription } = await subscribe('starter');
    // The upgrade's webhook never arrives.
    stripe.updateSubscription(subscription.id, { price: 'price_proMonth' });
    expect(await planOf(sub)).toBe('starter');
    const parts = await billingParts();
    if (!parts) throw new Error('billing off');
    const corrections: number[] = [];
    const deps = { ...parts.deps, metrics: { corrections: (n: number) => corrections.push(n) } };
    const runDate = '2031-01-02';
    const first = await runBillingSync(deps, runDate);
    expect(first).toMatchObject({ failed: 0 });
    expect(first.corrections).toBeGreaterThan(0);
    expect(await planOf(sub)).toBe('professional');
    expect(await billingEventsOf(sub)).toContain('sync_corrected');
    expect(corrections.reduce((a, b) => a + b, 0)).toBe(first.corrections);
    const again = await runBillingSync(deps, runDate);
    expect(again).toMatchObject({ corrections: 0, skipped: first.accounts });
  });

  it('reports overage to the plan’s meter once per account and day, with a stable identifier', async () => {
    const { subscription } = await subscribe('professional');
    const accountId = subscription.metadata.accountId;
    const parts = await billingParts();
    if (!parts) throw new Error('billing off');
    const limit = DEFAULT_PLANS.professional.requestsPerMonth;
    const usage = { usageThisMonth: async () => ({ month: '2031-02', requests: limit + 40, tokens: 0 }) };
    const deps = { ...parts.deps, usage, metrics: { corrections: () => undefined } };
    await runBillingSync(deps, '2031-02-03');
    await runBillingSync(deps, '2031-02-04');
    const mine = stripe.meterEvents.filter((e) => e.payload.stripe_customer_id === subscription.customer);
    expect(mine).toEqual([
      expect.objectContaining({
        event_name: 'roukey_requests',
        identifier: `${accountId}-2031-02-03`,
        payload: { stripe_customer_id: subscription.customer, value: '40' },
      }),
    ]);
  });
});

it('P13: no table holds a card number (13–19 digits from a card network, passing Luhn), a billing address or a tax id', async () => {
  await subscribe();
  const text = JSON.stringify(await scanAllTables(endpoint, tables));
  expect(text).not.toContain(TEST_CARD_NUMBER);
  // A card number stands alone and starts with 2 to 6 (the card networks): digits inside a hex id and millisecond
  // timestamps (13 digits, starting with 1) are not cards.
  const cardLike = (s: string) => (s.match(/(?<![0-9A-Za-z])[2-6]\d{12,18}(?![0-9A-Za-z])/g) ?? []).filter(luhn);
  expect(cardLike(`{"n":"${TEST_CARD_NUMBER}","at":1764000000000,"id":"sub_a6333617420517f"}`)).toEqual([TEST_CARD_NUMBER]);
  expect(cardLike(text)).toEqual([]);
  for (const detail of Object.values(CUSTOMER_DETAILS)) expect(text).not.toContain(detail);
});

/** The Luhn check every payment card number passes. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
