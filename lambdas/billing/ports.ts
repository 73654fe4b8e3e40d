import type { PlanId } from '../plans/catalog.js';

/** A subscription's state as `GET /v1/billing` shows it; Stripe's finer statuses fold into these (subscription-state.ts). */
export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What the account is told about its billing, beside its status. */
export type BillingNotice = 'payment_failed' | 'grace_ended';

/** An account's billing as mirrored from Stripe (the ledger's BILLING item, lambdas/store/ledger-items.ts). */
export interface BillingState {
  readonly customerId: string;
  readonly subscriptionId?: string;
  readonly status?: SubscriptionStatus;
  /** The plan the subscription buys (what billing last set on the account). */
  readonly plan?: PlanId;
  readonly currentPeriodEnd?: string;
  readonly cancelAtPeriodEnd?: boolean;
  /** Set by a failed payment, cleared by a paid invoice: the plan holds until `graceEndsAt`. */
  readonly graceEndsAt?: string;
  readonly notice?: BillingNotice;
}

/** Fields of BillingState to set; `null` removes one. */
export type BillingStateChange = { readonly [K in Exclude<keyof BillingState, 'customerId'>]?: BillingState[K] | null };

export const TRANSACTION_TYPES = ['invoice', 'payment', 'refund', 'plan_change'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** One ledger entry (P12, P14): ids, amounts, currency, tax, status and dates only — never card data or addresses (P13). */
export interface LedgerTransaction {
  /** Stripe's id of the object (in_…, ch_…), or RouKey's for a plan change. */
  readonly id: string;
  readonly type: TransactionType;
  /** Integer, in the currency's minor units. */
  readonly amount: number;
  readonly currency: string | null;
  readonly tax: number;
  readonly status: string;
  readonly createdAt: string;
  readonly hostedInvoiceUrl: string | null;
  readonly pdfUrl: string | null;
}

export interface LedgerPosition {
  readonly sk: string;
}

/** What a webhook delivery came to, as its EVENT item records it. */
export type EventOutcome = 'applied' | 'ignored' | 'unknown_customer';

/** The ledger table, as billing uses it. */
export interface BillingStore {
  state(accountId: string): Promise<BillingState | undefined>;
  /** Records `customerId` as the account's one customer unless it has one; resolves the customer that stands. */
  claimCustomer(accountId: string, customerId: string): Promise<string>;
  accountOfCustomer(customerId: string): Promise<string | undefined>;
  changeState(accountId: string, change: BillingStateChange): Promise<void>;
  /** Adds a transaction; false when it is already there (the same Stripe object seen again). */
  recordTransaction(accountId: string, transaction: LedgerTransaction): Promise<boolean>;
  transactions(accountId: string, page: { limit: number; after?: LedgerPosition }): Promise<{ data: LedgerTransaction[]; after?: LedgerPosition }>;
  /** Claims a webhook event for processing; false when it was claimed before (a replay). */
  claimEvent(eventId: string, type: string): Promise<boolean>;
  finishEvent(eventId: string, outcome: EventOutcome, accountId?: string): Promise<void>;
  /** Lets a failed event be processed again when Stripe redelivers it. */
  releaseEvent(eventId: string): Promise<void>;
  /** Every account with a Stripe customer, for the nightly sync. */
  billedAccounts(): Promise<{ accountId: string; customerId: string }[]>;
  /** Whether the nightly sync of `date` (yyyy-mm-dd) already reconciled the account: a retried run skips it. */
  syncedOn(accountId: string, date: string): Promise<boolean>;
  markSynced(accountId: string, date: string, corrections: number): Promise<void>;
  /** Overage requests already reported to Stripe for `month`, and an update of that figure. */
  reportedOverage(accountId: string, month: string): Promise<number>;
  setReportedOverage(accountId: string, month: string, reported: number): Promise<void>;
}
