import { z } from 'zod';
import type { AccountState } from '../accounts/account-state.js';
import type { CountedLimit } from '../accounts/plan-gates.js';
import type { AccountCounts } from '../accounts/plan-report.js';
import { decodeCursor, encodeCursor, pageQueryShape } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { effectiveLimits, planIdSchema, type PlanLimitName } from '../plans/catalog.js';
import type { MonthlyUsageReader } from '../accounts/monthly-usage.js';
import { TRANSACTION_SK } from '../store/ledger-items.js';
import type { BillingDeps } from './billing-account.js';
import type { BillingNotice, LedgerTransaction, SubscriptionStatus } from './ports.js';
import { BILLING_INTERVALS, PURCHASABLE_PLANS, priceFor, type PurchasablePlan } from './stripe-prices.js';

/** `POST /v1/billing/checkout`. */
export const checkoutSchema = z.strictObject({
  plan: planIdSchema,
  interval: z.enum(BILLING_INTERVALS, { error: `must be one of: ${BILLING_INTERVALS.join(', ')}` }),
});

/** `GET /v1/billing/transactions`. */
export const transactionsQuerySchema = z.strictObject(pageQueryShape);

const cursorSchema = z.strictObject({ sk: z.string().regex(TRANSACTION_SK) });

export interface BillingOverview {
  readonly object: 'billing';
  readonly enabled: true;
  readonly plan: AccountState['plan'];
  readonly status: SubscriptionStatus | null;
  readonly currentPeriodEnd: string | null;
  readonly cancelAtPeriodEnd: boolean;
  readonly notice: { readonly code: BillingNotice; readonly graceEndsAt: string | null } | null;
  /** This calendar month's figures, and the account's counts of items, against each limit (null: the plan sets none). */
  readonly usage: Partial<Record<PlanLimitName, { readonly used: number; readonly limit: number | null }>>;
}

export interface BillingServiceDeps extends BillingDeps {
  readonly usage: Pick<MonthlyUsageReader, 'usageThisMonth'>;
  readonly counts: AccountCounts;
  /** Where Checkout and the portal send people back. */
  readonly returnUrl: string;
}

/** The signed-in routes: buy a plan, manage it in Stripe's portal, see it, list what was paid. */
export function createBillingService(deps: BillingServiceDeps) {
  const { stripe, store, now } = deps;

  /** The account's one customer: created once (a retried create returns the same customer), the account id in its metadata. */
  async function customerOf(accountId: string): Promise<{ id: string; existing: boolean }> {
    const state = await store.state(accountId);
    if (state) return { id: state.customerId, existing: true };
    const customer = await stripe.customers.create({ metadata: { accountId } }, { idempotencyKey: `roukey-customer-${accountId}` });
    return { id: await store.claimCustomer(accountId, customer.id), existing: false };
  }

  return {
    async checkout(accountId: string, account: AccountState, { plan, interval }: z.infer<typeof checkoutSchema>): Promise<{ url: string }> {
      if (!PURCHASABLE_PLANS.includes(plan as PurchasablePlan)) {
        const why = plan === 'enterprise' ? 'Enterprise is sold by contract: contact the operator.' : `The ${plan} plan is not sold.`;
        throw new ApiError('invalid_request', `${why} Choose one of: ${PURCHASABLE_PLANS.join(', ')}.`, { param: 'plan' });
      }
      if (plan === account.plan) throw new ApiError('invalid_request', `This account is already on the ${plan} plan.`, { param: 'plan' });
      const price = priceFor(deps.prices, plan as PurchasablePlan, interval);
      if (!price) throw new ApiError('invalid_request', `The ${plan} plan is not offered billed every ${interval}.`, { param: 'plan' });
      const state = await store.state(accountId);
      // A second Checkout would start a second subscription, billed beside the first: plans change in the portal.
      if (state?.status !== undefined && state.status !== 'canceled') {
        throw new ApiError('conflict', 'This account already has a subscription: change its plan in the billing portal (POST /v1/billing/portal).', {
          code: 'subscription_active',
          param: 'plan',
        });
      }
      const customer = await customerOf(accountId);
      const day = new Date(now()).toISOString().slice(0, 10);
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: customer.id,
          client_reference_id: accountId,
          line_items: [{ price, quantity: 1 }],
          automatic_tax: { enabled: true },
          tax_id_collection: { enabled: true },
          billing_address_collection: 'required',
          // With automatic tax, Stripe refuses a session for an existing customer unless Checkout may save the address.
          customer_update: { address: 'auto', name: 'auto' },
          subscription_data: { metadata: { accountId } },
          metadata: { accountId, plan, interval },
          success_url: deps.returnUrl,
          cancel_url: deps.returnUrl,
        },
        { idempotencyKey: `roukey-checkout-${accountId}-${account.plan}-${plan}-${interval}-${day}` },
      );
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
      return { url: session.url };
    },

    async portal(accountId: string): Promise<{ url: string }> {
      const customer = await customerOf(accountId);
      const minute = Math.floor(now() / 60_000);
      const session = await stripe.billingPortal.sessions.create(
        { customer: customer.id, return_url: deps.returnUrl },
        { idempotencyKey: `roukey-portal-${accountId}-${minute}` },
      );
      return { url: session.url };
    },

    async overview(accountId: string, account: AccountState): Promise<BillingOverview> {
      const [state, month, standing, counts] = await Promise.all([
        store.state(accountId),
        deps.usage.usageThisMonth(accountId),
        deps.accounts.standing(accountId),
        deps.counts.counts(accountId),
      ]);
      // Read afresh rather than from the caller's cached state: a plan just bought shows at once.
      const plan = standing?.plan ?? account.plan;
      const limits = standing ? effectiveLimits(deps.catalog, standing.plan, standing.limitOverrides) : account.limits;
      return {
        object: 'billing',
        enabled: true,
        plan,
        status: state?.status ?? null,
        currentPeriodEnd: state?.currentPeriodEnd ?? null,
        cancelAtPeriodEnd: state?.cancelAtPeriodEnd ?? false,
        notice: state?.notice ? { code: state.notice, graceEndsAt: state.graceEndsAt ?? null } : null,
        usage: {
          requestsPerMonth: { used: month.requests, limit: limits.requestsPerMonth },
          tokensPerMonth: { used: month.tokens, limit: limits.tokensPerMonth },
          ...Object.fromEntries(Object.entries(counts).map(([name, used]) => [name, { used, limit: limits[name as CountedLimit] }])),
        },
      };
    },

    async transactions(
      accountId: string,
      query: z.infer<typeof transactionsQuerySchema>,
    ): Promise<{ object: 'list'; data: LedgerTransaction[]; nextCursor: string | null }> {
      const after = query.cursor === undefined ? undefined : decodeCursor(cursorSchema, query.cursor);
      const page = await store.transactions(accountId, { limit: query.limit ?? 25, after });
      return { object: 'list', data: page.data, nextCursor: page.after ? encodeCursor(page.after) : null };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
