import { jest } from '@jest/globals';
import { SCHEDULED_JOB_MODULES } from '../../lib/local/handler-modules.js';
import { startFakeStripe, stripeEnvironment, type FakeStripe } from '../fakes/stripe.js';
import { startTestLocalRuntime, type ManagementCall, type TestLocalRuntime } from '../support/local-runtime.js';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'whsec_e2e_billing';
let stripe: FakeStripe;
let local: TestLocalRuntime;

beforeAll(async () => {
  stripe = await startFakeStripe(WEBHOOK_SECRET);
  // What an operator exports before `npm start`; STRIPE_PRICES overrides roukey:stripePrices from cdk.json.
  Object.assign(process.env, stripeEnvironment(stripe, WEBHOOK_SECRET));
  local = await startTestLocalRuntime();
});

afterAll(async () => {
  await local?.stop();
  await stripe?.close();
});

const mgmt: ManagementCall = (method, path, body) => local.mgmt(method, path, body);

/** Posts `payload` to the webhook as Stripe does, signed over exactly these bytes. */
async function postWebhook(payload: string, signature = stripe.sign(payload)): Promise<number> {
  const res = await fetch(`${local.runtime.gatewayUrl}/v1/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
    body: payload,
  });
  await res.text();
  return res.status;
}

/** A payload whose bytes JSON.parse + JSON.stringify would change: indentation, an escaped é, a slash escape, a trailing newline. */
function unnormalised(event: unknown): string {
  const text = `${JSON.stringify(event, null, 3).replace('"livemode": false', '"livemode" :  false,\n   "description": "caf\\u00e9 \\/ plan"')}\n`;
  expect(JSON.stringify(JSON.parse(text))).not.toBe(text);
  return text;
}

describe('billing end to end through npm start, with STRIPE_API_BASE at the fake Stripe', () => {
  it('P12/P14/P15: checkout → Stripe’s signed webhook (raw bytes verified) → plan changed → ledger listed; the sync job runs', async () => {
    const checkout = await mgmt('POST', '/v1/billing/checkout', { plan: 'starter', interval: 'month' });
    expect(checkout).toMatchObject({ status: 200, json: { url: expect.stringMatching(/^https:\/\/checkout\.stripe\.test\//) } });
    const session = [...stripe.sessions.values()].find((s) => s.url === checkout.json.url);
    const { session: completed, invoice } = stripe.completeCheckout(session.id);

    // Re-serialised, these bytes would no longer match their signature: 200 proves the body arrives untouched.
    expect(await postWebhook(unnormalised(stripe.event('checkout.session.completed', completed)))).toBe(200);
    expect(await postWebhook(unnormalised(stripe.event('invoice.paid', invoice)))).toBe(200);
    // The same body with its bytes changed fails the signature.
    const payload = unnormalised(stripe.event('invoice.paid', invoice));
    expect(await postWebhook(JSON.stringify(JSON.parse(payload)), stripe.sign(payload))).toBe(400);

    const overview = await mgmt('GET', '/v1/billing');
    expect(overview.json).toMatchObject({ enabled: true, plan: 'starter', status: 'active' });
    const transactions = await mgmt('GET', '/v1/billing/transactions');
    expect(transactions.json.data.map((t: any) => t.type).sort()).toEqual(['invoice', 'payment', 'plan_change']);

    // `npm run job billing-sync` runs this same handler: nothing was missed, so nothing is corrected.
    const { handler } = await SCHEDULED_JOB_MODULES['billing-sync']();
    expect(await handler({ runDate: new Date().toISOString() })).toMatchObject({ accounts: 1, corrections: 0, failed: 0 });
  });
});
