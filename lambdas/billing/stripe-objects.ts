import type Stripe from 'stripe';
import type { PlanId } from '../plans/catalog.js';
import type { LedgerTransaction, SubscriptionStatus } from './ports.js';
import { planOfPrice, type StripePrices } from './stripe-prices.js';

/** Stripe's times are epoch seconds. */
export function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** Stripe's subscription statuses folded into the four RouKey shows. */
export function statusOf(subscription: Pick<Stripe.Subscription, 'status'>): SubscriptionStatus {
  switch (subscription.status) {
    case 'trialing':
    case 'active':
      return subscription.status as SubscriptionStatus;
    case 'past_due':
    case 'unpaid':
    case 'incomplete':
      return 'past_due';
    default:
      return 'canceled';
  }
}

/** Whether a subscription in this state still grants its plan (a past-due one does, through the grace period). */
export function grantsPlan(status: SubscriptionStatus): boolean {
  return status !== 'canceled';
}

/** The plan a subscription buys: the first of its items whose price RouKey sells. */
export function planOfSubscription(subscription: Stripe.Subscription, prices: StripePrices): PlanId | undefined {
  for (const item of subscription.items.data) {
    const plan = planOfPrice(prices, item.price.id);
    if (plan) return plan;
  }
  return undefined;
}

/** The end of the subscription's current period (on its items since Stripe's 2025 API versions). */
export function periodEndOf(subscription: Stripe.Subscription): string | undefined {
  const ends = subscription.items.data.map((item) => item.current_period_end).filter((end) => typeof end === 'number');
  return ends.length > 0 ? isoOf(Math.max(...ends)) : undefined;
}

function taxOf(invoice: Stripe.Invoice): number {
  return (invoice.total_taxes ?? []).reduce((sum, tax) => sum + tax.amount, 0);
}

/** A finalized invoice as its ledger entry (P12): the amounts and links, nothing of the customer's details. */
export function invoiceTransaction(invoice: Stripe.Invoice): LedgerTransaction {
  return {
    id: invoice.id ?? '',
    type: 'invoice',
    amount: invoice.total,
    currency: invoice.currency,
    tax: taxOf(invoice),
    status: invoice.status ?? 'open',
    createdAt: isoOf(invoice.created),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}

/** The payment that settled a paid invoice, timed when it was paid. */
export function paymentTransaction(invoice: Stripe.Invoice): LedgerTransaction {
  const paidAt = invoice.status_transitions?.paid_at ?? invoice.created;
  return {
    id: `${invoice.id ?? ''}:payment`,
    type: 'payment',
    amount: invoice.amount_paid,
    currency: invoice.currency,
    tax: taxOf(invoice),
    status: 'succeeded',
    createdAt: isoOf(paidAt),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}

/** A refund of a charge, one entry per refunded total (a second partial refund is another entry). */
export function refundTransaction(charge: Stripe.Charge, at: number): LedgerTransaction {
  return {
    id: `${charge.id}:refund:${charge.amount_refunded}`,
    type: 'refund',
    amount: charge.amount_refunded,
    currency: charge.currency,
    tax: 0,
    status: charge.refunded ? 'refunded' : 'partially_refunded',
    createdAt: isoOf(at),
    hostedInvoiceUrl: null,
    pdfUrl: null,
  };
}

/** A plan change, in the ledger beside the money that caused it. */
export function planChangeTransaction(from: PlanId, to: PlanId, cause: string, at: number): LedgerTransaction {
  return {
    id: `plan:${from}:${to}:${cause}`,
    type: 'plan_change',
    amount: 0,
    currency: null,
    tax: 0,
    status: to,
    createdAt: new Date(at).toISOString(),
    hostedInvoiceUrl: null,
    pdfUrl: null,
  };
}

/** The id of a field that Stripe sends either as an id or expanded. */
export function idOf(value: string | { id: string } | null | undefined): string | undefined {
  return typeof value === 'string' ? value : (value?.id ?? undefined);
}
