import type Stripe from 'stripe';
import { ApiError } from '../http/errors.js';
import { logger } from '../http/logger.js';
import { billingAccount, type BillingDeps } from './billing-account.js';
import type { EventOutcome } from './ports.js';
import { idOf, refundTransaction } from './stripe-objects.js';

/** Stripe signs each delivery with its time; older than this it is refused, so a captured delivery cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface WebhookDeps extends BillingDeps {
  readonly webhookSecret: string;
}

/**
 * `POST /v1/billing/webhook`: verifies the signature on the body exactly as received, then handles each event once
 * (its EVENT item in the ledger is claimed with a conditional put). Anything that fails verification is a 400 before
 * anything is read or written.
 */
export function createWebhookService(deps: WebhookDeps) {
  const { stripe, store } = deps;
  const account = billingAccount(deps);

  async function subscriptionOf(id: string | undefined): Promise<Stripe.Subscription | undefined> {
    return id === undefined ? undefined : stripe.subscriptions.retrieve(id);
  }

  /** Applies one event to its account; the subscription is always re-read, so its state now wins over the event's. */
  async function apply(event: Stripe.Event, accountId: string): Promise<void> {
    const object = event.data.object as unknown as Record<string, unknown>;
    switch (event.type) {
      case 'checkout.session.completed':
        {
          const subscription = await subscriptionOf(idOf(event.data.object.subscription));
          if (subscription) await account.applySubscription(accountId, subscription, event.id);
        }
        return;
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        await account.applySubscription(accountId, await stripe.subscriptions.retrieve(event.data.object.id), event.id);
        return;
      case 'invoice.paid': {
        await account.invoicePaid(accountId, event.data.object);
        const subscription = await subscriptionOf(idOf(event.data.object.parent?.subscription_details?.subscription));
        if (subscription) await account.applySubscription(accountId, subscription, event.id);
        return;
      }
      case 'invoice.payment_failed':
        await account.paymentFailed(accountId, event.data.object);
        return;
      case 'charge.refunded':
        await account.addTransaction(accountId, refundTransaction(event.data.object, event.created));
        return;
      default:
        logger.info('billing webhook: event type not handled', { type: event.type, object: object.object });
    }
  }

  return {
    async receive(rawBody: string | Buffer, signature: string | undefined): Promise<{ received: true; duplicate?: true }> {
      let event: Stripe.Event;
      try {
        if (!signature) throw new Error('no signature');
        event = await stripe.webhooks.constructEventAsync(rawBody, signature, deps.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
      } catch {
        throw new ApiError('invalid_request', 'The Stripe-Signature header does not verify for this body (or is too old).', { param: 'Stripe-Signature' });
      }
      if (!(await store.claimEvent(event.id, event.type))) return { received: true, duplicate: true };
      try {
        const outcome = await handle(event);
        await store.finishEvent(event.id, outcome.outcome, outcome.accountId);
        return { received: true };
      } catch (err) {
        // Not handled: Stripe redelivers, and the redelivery must find the event unclaimed.
        await store.releaseEvent(event.id);
        throw err;
      } finally {
        await deps.audit.flush();
      }
    },
  };

  async function handle(event: Stripe.Event): Promise<{ outcome: EventOutcome; accountId?: string }> {
    const customerId = idOf((event.data.object as { customer?: string | { id: string } | null }).customer);
    if (customerId === undefined) return { outcome: 'ignored' };
    const accountId = await store.accountOfCustomer(customerId);
    // A customer RouKey did not create (another app on the same Stripe account): acknowledged and recorded, never retried.
    if (accountId === undefined) return { outcome: 'unknown_customer' };
    await apply(event, accountId);
    return { outcome: 'applied', accountId };
  }
}
