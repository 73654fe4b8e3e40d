import type Stripe from 'stripe';
import type { AccountProfileStore } from '../accounts/account-profile.js';
import type { AccountStandingStore } from '../accounts/account-state.js';
import { BILLING_TERMS, type PlanCatalog, type PlanId } from '../plans/catalog.js';
import type { Notifier } from '../notices/notifier.js';
import type { SecurityEventRecorder } from '../security/security-event.js';
import type { BillingState, BillingStore, LedgerTransaction } from './ports.js';
import { grantsPlan, invoiceTransaction, paymentTransaction, periodEndOf, planChangeTransaction, planOfSubscription, statusOf } from './stripe-objects.js';
import type { StripePrices } from './stripe-prices.js';

/** What billing's handlers and the nightly sync share. */
export interface BillingDeps {
  readonly stripe: Stripe;
  readonly store: BillingStore;
  /** The account's plan is set through the same write as the admin API's (`changeStanding`). */
  readonly accounts: Pick<AccountProfileStore, 'changeStanding'> & AccountStandingStore;
  readonly catalog: PlanCatalog;
  readonly prices: StripePrices;
  /** Each step of billing that changes an account is a security/audit event on it (P8). */
  readonly audit: SecurityEventRecorder;
  /** The account's user is told by email of a failed payment, a plan change and the end of a grace period (P21: unless they opted out). */
  readonly notices: Pick<Notifier, 'notify'>;
  readonly now: () => number;
}

const DAY_MS = 86_400_000;

/**
 * The rules of one account's billing, applied from Stripe's objects as they are now (never from an event's copy, so
 * events may arrive in any order). Each returns how many things it corrected, which the nightly sync counts.
 */
export function billingAccount(deps: BillingDeps) {
  const { store, accounts, catalog, audit, notices, now } = deps;

  function record(accountId: string, code: string): void {
    audit.record({ kind: 'billing', accountId, code });
  }

  /**
   * Sets the account's plan when it differs; the change is a ledger entry, an audit event and, unless `notify` is
   * false (a notice that says more was sent), a notice.
   */
  async function setPlan(accountId: string, to: PlanId, cause: string, notify = true): Promise<number> {
    const standing = await accounts.standing(accountId);
    if (!standing || standing.plan === to) return 0;
    await accounts.changeStanding(accountId, { plan: to });
    await store.recordTransaction(accountId, planChangeTransaction(standing.plan, to, cause, now()));
    record(accountId, 'plan_changed');
    if (notify) await notices.notify(accountId, { kind: 'billing', event: 'plan_changed', from: standing.plan, to });
    return 1;
  }

  /** Starts the grace period of a failed payment, once: a later failure does not extend it. */
  async function startGrace(accountId: string, state: BillingState | undefined): Promise<number> {
    if (state?.graceEndsAt !== undefined || state?.notice === 'grace_ended') return 0;
    const graceEndsAt = new Date(now() + BILLING_TERMS.paymentGraceDays * DAY_MS).toISOString();
    await store.changeState(accountId, { graceEndsAt, notice: 'payment_failed' });
    record(accountId, 'payment_failed');
    await notices.notify(accountId, { kind: 'billing', event: 'payment_failed', graceEndsAt });
    return 1;
  }

  return {
    setPlan,

    /** Mirrors a subscription (re-read from Stripe) onto the account: status, period, and the plan it grants. */
    async applySubscription(accountId: string, subscription: Stripe.Subscription, cause: string): Promise<number> {
      const state = await store.state(accountId);
      const status = statusOf(subscription);
      const bought = planOfSubscription(subscription, deps.prices);
      // A past-due subscription keeps its plan through the grace period only; a paid invoice clears the notice.
      const keepsPlan = grantsPlan(status) && !(status === 'past_due' && state?.notice === 'grace_ended');
      const plan = keepsPlan && bought ? bought : catalog.defaultPlan;
      const change = {
        subscriptionId: subscription.id,
        status,
        plan,
        currentPeriodEnd: periodEndOf(subscription) ?? null,
        cancelAtPeriodEnd: subscription.cancel_at_period_end,
      };
      const drifted =
        state?.subscriptionId !== change.subscriptionId ||
        state.status !== status ||
        state.plan !== plan ||
        state.currentPeriodEnd !== (change.currentPeriodEnd ?? undefined) ||
        state.cancelAtPeriodEnd !== change.cancelAtPeriodEnd;
      if (drifted) await store.changeState(accountId, change);
      let corrections = drifted ? 1 : 0;
      if (status === 'past_due') corrections += await startGrace(accountId, state);
      else if (status !== 'canceled' && (state?.graceEndsAt !== undefined || state?.notice !== undefined)) {
        // Paid again (or ended): nothing is owed, so no grace period runs and no notice shows.
        await store.changeState(accountId, { graceEndsAt: null, notice: null });
        record(accountId, 'payment_recovered');
        corrections++;
      }
      return corrections + (await setPlan(accountId, plan, cause));
    },

    /** A paid invoice's ledger entries (the invoice and its payment); how many were new. */
    async invoicePaid(accountId: string, invoice: Stripe.Invoice): Promise<number> {
      let added = 0;
      for (const transaction of [invoiceTransaction(invoice), paymentTransaction(invoice)]) {
        if (await store.recordTransaction(accountId, transaction)) added++;
      }
      return added;
    },

    /** A failed payment: the invoice in the ledger, the plan held for the catalog's grace period, the account told. */
    async paymentFailed(accountId: string, invoice: Stripe.Invoice): Promise<void> {
      await store.recordTransaction(accountId, invoiceTransaction(invoice));
      await startGrace(accountId, await store.state(accountId));
    },

    /** Once the grace period has passed unpaid, the account falls to the default plan. */
    async expireGrace(accountId: string): Promise<number> {
      const state = await store.state(accountId);
      if (state?.graceEndsAt === undefined || Date.parse(state.graceEndsAt) > now()) return 0;
      await store.changeState(accountId, { graceEndsAt: null, notice: 'grace_ended', plan: catalog.defaultPlan });
      record(accountId, 'grace_ended');
      await notices.notify(accountId, { kind: 'billing', event: 'grace_ended', plan: catalog.defaultPlan });
      return 1 + (await setPlan(accountId, catalog.defaultPlan, `grace-${state.graceEndsAt.slice(0, 10)}`, false));
    },

    async addTransaction(accountId: string, transaction: LedgerTransaction): Promise<boolean> {
      return store.recordTransaction(accountId, transaction);
    },
  };
}

export type BillingAccount = ReturnType<typeof billingAccount>;
