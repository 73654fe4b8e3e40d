import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { listenOnLoopback, sendJson, type FakeServer } from './fake-server.js';

/** One call RouKey made, as the fake saw it. */
export interface FakeStripeRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, any>;
  readonly idempotencyKey?: string;
}

export interface FakeStripe extends FakeServer {
  readonly requests: FakeStripeRequest[];
  readonly customers: Map<string, any>;
  readonly sessions: Map<string, any>;
  readonly subscriptions: Map<string, any>;
  readonly invoices: Map<string, any>;
  readonly charges: Map<string, any>;
  readonly meterEvents: any[];
  /** The customer pays: a subscription to the session's price, its first invoice paid. */
  completeCheckout(sessionId: string): { session: any; subscription: any; invoice: any; charge: any };
  /** Changes a subscription as the portal (or Stripe's dunning) would. */
  updateSubscription(id: string, change: { price?: string; status?: string; cancelAtPeriodEnd?: boolean }): any;
  /** The next renewal's payment fails: an open invoice, the subscription past due. */
  failRenewal(subscriptionId: string): any;
  /** A refund of `amount` of a charge. */
  refund(chargeId: string, amount: number): any;
  /** A customer RouKey never created (another app on the same Stripe account). */
  foreignCustomer(): any;
  /** An event as Stripe sends it, `object` as its data. */
  event(type: string, object: unknown): Stripe.Event;
  /** A delivery signed with the SDK's test header (timestamp: epoch seconds; by default now). */
  sign(payload: string, options?: { secret?: string; timestamp?: number }): string;
}

/** What an operator exports before `npm start` to bill through `stripe` (STRIPE_PRICES overrides roukey:stripePrices). */
export function stripeEnvironment(stripe: Pick<FakeStripe, 'origin'>, webhookSecret: string): Record<string, string> {
  return {
    STRIPE_SECRET_KEY: 'sk_test_fake',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_BASE: stripe.origin,
    STRIPE_PRICES: JSON.stringify({ starter: { month: 'price_e2eStarter' } }),
  };
}

/** Stripe's test card: the fake leaves it in a field Stripe never sends, so a test proves RouKey copies no unknown field (P13). */
export const TEST_CARD_NUMBER = '4242424242424242';
/** Details the fake puts on the customer's objects that RouKey must never store (P14: read from Stripe when shown). */
export const CUSTOMER_DETAILS = { line1: '1 Fakestraat', postalCode: '1011AB', taxId: 'NL123456789B01' } as const;

const DAY = 86_400;

/**
 * Stripe's API as far as RouKey calls it, with realistic objects: customers (created, read, deleted), Checkout and portal sessions (honouring
 * Idempotency-Key as Stripe does: the same key returns the first response), subscriptions (read, listed, cancelled), paid
 * invoices (listed), billing meter events. The controls act as the customer and Stripe would between calls.
 */
export async function startFakeStripe(webhookSecret: string): Promise<FakeStripe> {
  const requests: FakeStripeRequest[] = [];
  const customers = new Map<string, any>();
  const sessions = new Map<string, any>();
  const subscriptions = new Map<string, any>();
  const invoices = new Map<string, any>();
  const charges = new Map<string, any>();
  const meterEvents: any[] = [];
  const idempotent = new Map<string, unknown>();
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
  const now = () => Math.floor(Date.now() / 1000);
  const list = (data: unknown[]) => ({ object: 'list', data, has_more: false, url: '/v1/list' });

  function invoiceFor(subscription: any, status: 'paid' | 'open'): any {
    const created = now();
    const invoice = {
      id: id('in'),
      object: 'invoice',
      customer: subscription.customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id, metadata: {} }, quote_details: null },
      status,
      total: 2_420,
      subtotal: 2_000,
      amount_paid: status === 'paid' ? 2_420 : 0,
      amount_due: 2_420,
      currency: 'eur',
      total_taxes: [
        {
          amount: 420,
          tax_behavior: 'exclusive',
          taxability_reason: 'standard_rated',
          tax_rate_details: null,
          taxable_amount: 2_000,
          type: 'tax_rate_details',
        },
      ],
      created,
      status_transitions: { finalized_at: created, paid_at: status === 'paid' ? created : null, marked_uncollectible_at: null, voided_at: null },
      hosted_invoice_url: `https://invoice.stripe.test/i/${created}`,
      invoice_pdf: `https://pay.stripe.test/invoice/${created}/pdf`,
      customer_address: { line1: CUSTOMER_DETAILS.line1, postal_code: CUSTOMER_DETAILS.postalCode, country: 'NL', city: 'Amsterdam' },
      customer_tax_ids: [{ type: 'eu_vat', value: CUSTOMER_DETAILS.taxId }],
      livemode: false,
    };
    invoices.set(invoice.id, invoice);
    return invoice;
  }

  function chargeFor(invoice: any): any {
    const charge = {
      id: id('ch'),
      object: 'charge',
      customer: invoice.customer,
      amount: invoice.total,
      amount_refunded: 0,
      refunded: false,
      currency: invoice.currency,
      created: now(),
      status: 'succeeded',
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 } },
      billing_details: { address: { line1: CUSTOMER_DETAILS.line1, postal_code: CUSTOMER_DETAILS.postalCode } },
      // Never sent by Stripe; here to prove that nothing copies fields it does not know.
      fake_full_card_number: TEST_CARD_NUMBER,
    };
    charges.set(charge.id, charge);
    return charge;
  }

  const routes: [string, RegExp, (m: RegExpMatchArray, params: Record<string, any>, query: URLSearchParams) => [number, unknown]][] = [
    [
      'POST',
      /^\/v1\/customers$/,
      (_m, params) => {
        const customer = { id: id('cus'), object: 'customer', metadata: params.metadata ?? {}, created: now(), livemode: false };
        customers.set(customer.id, customer);
        return [200, customer];
      },
    ],
    ['GET', /^\/v1\/customers\/([^/]+)$/, (m) => (customers.has(m[1] ?? '') ? [200, customers.get(m[1] ?? '')] : notFound('customer'))],
    [
      'DELETE',
      /^\/v1\/customers\/([^/]+)$/,
      (m) => {
        const customerId = m[1] ?? '';
        if (!customers.delete(customerId)) return notFound('customer');
        return [200, { id: customerId, object: 'customer', deleted: true }];
      },
    ],
    [
      'DELETE',
      /^\/v1\/subscriptions\/([^/]+)$/,
      (m) => {
        const subscription = subscriptions.get(m[1] ?? '');
        if (!subscription) return notFound('subscription');
        // Stripe refuses to cancel a canceled subscription.
        if (subscription.status === 'canceled')
          return [400, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such subscription: '${subscription.id}'` } }];
        Object.assign(subscription, { status: 'canceled', canceled_at: now(), ended_at: now() });
        return [200, subscription];
      },
    ],
    [
      'POST',
      /^\/v1\/checkout\/sessions$/,
      (_m, params) => {
        if (!customers.has(params.customer)) return notFound('customer');
        const session = {
          id: id('cs_test'),
          object: 'checkout.session',
          mode: params.mode,
          customer: params.customer,
          client_reference_id: params.client_reference_id ?? null,
          metadata: params.metadata ?? {},
          status: 'open',
          subscription: null,
          url: `https://checkout.stripe.test/c/pay/${randomBytes(8).toString('hex')}`,
          price: params.line_items?.['0']?.price,
          livemode: false,
        };
        sessions.set(session.id, session);
        return [200, session];
      },
    ],
    [
      'POST',
      /^\/v1\/billing_portal\/sessions$/,
      (_m, params) =>
        customers.has(params.customer)
          ? [
              200,
              {
                id: id('bps'),
                object: 'billing_portal.session',
                customer: params.customer,
                return_url: params.return_url,
                url: `https://billing.stripe.test/p/session/${randomBytes(8).toString('hex')}`,
              },
            ]
          : notFound('customer'),
    ],
    ['GET', /^\/v1\/subscriptions\/([^/]+)$/, (m) => (subscriptions.has(m[1] ?? '') ? [200, subscriptions.get(m[1] ?? '')] : notFound('subscription'))],
    [
      'GET',
      /^\/v1\/subscriptions$/,
      (_m, _p, query) => [200, list([...subscriptions.values()].filter((s) => s.customer === query.get('customer')).sort((a, b) => b.created - a.created))],
    ],
    [
      'GET',
      /^\/v1\/invoices$/,
      (_m, _p, query) =>
        [
          200,
          list(
            [...invoices.values()]
              .filter((i) => i.customer === query.get('customer') && (!query.get('status') || i.status === query.get('status')))
              .sort((a, b) => b.created - a.created),
          ),
        ] as [number, unknown],
    ],
    [
      'POST',
      /^\/v1\/billing\/meter_events$/,
      (_m, params) => {
        const event = {
          object: 'billing.meter_event',
          event_name: params.event_name,
          identifier: params.identifier,
          payload: params.payload,
          timestamp: now(),
          livemode: false,
        };
        meterEvents.push(event);
        return [200, event];
      },
    ],
  ];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const params = decodeForm(Buffer.concat(chunks).toString('utf8'));
      const key = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method ?? '', path: url.pathname, params, ...(key ? { idempotencyKey: key } : {}) });
      if (req.headers.authorization !== 'Bearer sk_test_fake')
        return sendJson(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      const replay = key && idempotent.get(`${req.method} ${url.pathname} ${key}`);
      if (replay) return send(res, 200, replay);
      for (const [method, pattern, handle] of routes) {
        const match = req.method === method ? url.pathname.match(pattern) : null;
        if (!match) continue;
        const [status, body] = handle(match, params, url.searchParams);
        if (key && status === 200) idempotent.set(`${req.method} ${url.pathname} ${key}`, body);
        return send(res, status, body);
      }
      send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname})` } });
    });
  });
  const listening = await listenOnLoopback(server);
  const stripe = new Stripe('sk_test_fake');

  return {
    ...listening,
    requests,
    customers,
    sessions,
    subscriptions,
    invoices,
    charges,
    meterEvents,
    completeCheckout(sessionId) {
      const session = sessions.get(sessionId);
      const start = now();
      const subscription = {
        id: id('sub'),
        object: 'subscription',
        customer: session.customer,
        status: 'active',
        cancel_at_period_end: false,
        created: start,
        metadata: session.metadata,
        items: list([
          {
            id: id('si'),
            object: 'subscription_item',
            price: { id: session.price, object: 'price' },
            quantity: 1,
            current_period_start: start,
            current_period_end: start + 30 * DAY,
          },
        ]),
        livemode: false,
      };
      subscriptions.set(subscription.id, subscription);
      Object.assign(session, { status: 'complete', subscription: subscription.id, payment_status: 'paid' });
      const invoice = invoiceFor(subscription, 'paid');
      return { session, subscription, invoice, charge: chargeFor(invoice) };
    },
    updateSubscription(subscriptionId, change) {
      const subscription = subscriptions.get(subscriptionId);
      if (change.price) subscription.items.data[0].price = { id: change.price, object: 'price' };
      if (change.status) subscription.status = change.status;
      if (change.cancelAtPeriodEnd !== undefined) subscription.cancel_at_period_end = change.cancelAtPeriodEnd;
      return structuredClone(subscription);
    },
    failRenewal(subscriptionId) {
      const subscription = subscriptions.get(subscriptionId);
      subscription.status = 'past_due';
      return invoiceFor(subscription, 'open');
    },
    refund(chargeId, amount) {
      const charge = charges.get(chargeId);
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded >= charge.amount;
      return structuredClone(charge);
    },
    foreignCustomer() {
      const customer = { id: id('cus'), object: 'customer', metadata: {}, created: now(), livemode: false };
      customers.set(customer.id, customer);
      return customer;
    },
    event(type, object) {
      return {
        id: id('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: now(),
        type,
        data: { object: structuredClone(object) },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
      } as unknown as Stripe.Event;
    },
    sign(payload, options = {}) {
      return stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? webhookSecret, timestamp: options.timestamp });
    },
  };
}

function notFound(kind: string): [number, unknown] {
  return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}` } }];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body);
}

/** Stripe's form encoding (`a[b][0][c]=v`) back into nested objects; list indexes stay as keys ('0', '1'). */
function decodeForm(text: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const path = name.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) node[part] = value;
      else node = node[part] ??= {};
    }
  }
  return out;
}
