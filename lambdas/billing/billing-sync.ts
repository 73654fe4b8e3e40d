import type Stripe from 'stripe';
import { logger } from '../http/logger.js';
import { effectiveLimits } from '../plans/catalog.js';
import type { MonthlyUsageReader } from '../accounts/monthly-usage.js';
import { billingAccount, type BillingDeps } from './billing-account.js';
import { planOfSubscription } from './stripe-objects.js';

/** Where the sync reports each correction (an EMF metric in AWS). */
export interface SyncMetrics {
  corrections(count: number): void;
}

export interface BillingSyncDeps extends BillingDeps {
  readonly usage: Pick<MonthlyUsageReader, 'usageThisMonth'>;
  readonly metrics: SyncMetrics;
  /** Accounts reconciled at once: Stripe's rate limits are per account (of Stripe), shared with the webhooks. */
  readonly concurrency?: number;
}

export interface BillingSyncResult {
  readonly runDate: string;
  readonly accounts: number;
  /** Reconciled by an earlier run of the same date (a retry). */
  readonly skipped: number;
  readonly corrections: number;
  readonly failed: number;
}

/** Subscriptions that still grant something come first; otherwise the newest. */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete']);

/**
 * The nightly reconciliation: every account with a Stripe customer is brought in line with Stripe as it is now —
 * subscription state and plan, paid invoices missing from the ledger, a grace period that has run out — and overage
 * is reported to Stripe's meter. Each account is done once per run date (a retried run skips the ones done); any
 * account that failed makes the run fail, so the scheduler retries it and, in the end, dead-letters it.
 */
export async function runBillingSync(deps: BillingSyncDeps, runDate: string): Promise<BillingSyncResult> {
  const { stripe, store } = deps;
  const account = billingAccount(deps);
  const cause = `sync-${runDate}`;
  const billed = await store.billedAccounts();
  let skipped = 0;
  let corrections = 0;
  let failed = 0;

  async function reconcile(accountId: string, customerId: string): Promise<number> {
    let fixed = 0;
    const subscriptions = await stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 10 });
    const current = subscriptions.data.find((s) => LIVE.has(s.status)) ?? subscriptions.data[0];
    if (current) fixed += await account.applySubscription(accountId, current, cause);
    const invoices = await stripe.invoices.list({ customer: customerId, status: 'paid', limit: 20 });
    for (const invoice of invoices.data) fixed += await account.invoicePaid(accountId, invoice);
    fixed += await account.expireGrace(accountId);
    if (current) await reportOverage(accountId, customerId, current);
    return fixed;
  }

  /** One meter event per account and day, with a stable identifier, carrying the overage not yet reported this month. */
  async function reportOverage(accountId: string, customerId: string, subscription: Stripe.Subscription): Promise<void> {
    const plan = planOfSubscription(subscription, deps.prices);
    const meter = plan === undefined || plan === 'free' || plan === 'enterprise' ? undefined : deps.prices[plan]?.overageMeter;
    const standing = await deps.accounts.standing(accountId);
    if (!meter || !standing || standing.plan !== plan) return;
    const usage = await deps.usage.usageThisMonth(accountId);
    const over = Math.max(0, usage.requests - effectiveLimits(deps.catalog, plan, standing.limitOverrides).requestsPerMonth);
    const reported = await store.reportedOverage(accountId, usage.month);
    if (over <= reported) return;
    await stripe.billing.meterEvents.create({
      event_name: meter,
      identifier: `${accountId}-${runDate}`,
      payload: { stripe_customer_id: customerId, value: String(over - reported) },
    });
    await store.setReportedOverage(accountId, usage.month, over);
  }

  const queue = [...billed];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { accountId, customerId } = next;
      try {
        if (await store.syncedOn(accountId, runDate)) {
          skipped++;
          continue;
        }
        const fixed = await reconcile(accountId, customerId);
        for (let i = 0; i < fixed; i++) deps.audit.record({ kind: 'billing', accountId, code: 'sync_corrected' });
        if (fixed > 0) deps.metrics.corrections(fixed);
        corrections += fixed;
        await store.markSynced(accountId, runDate, fixed);
      } catch (err) {
        failed++;
        logger.error('billing sync: account not reconciled', { accountId, error: err instanceof Error ? err.name : 'unknown' });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 4) }, worker));
  } finally {
    await deps.audit.flush();
  }
  return { runDate, accounts: billed.length, skipped, corrections, failed };
}
