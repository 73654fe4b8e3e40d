import type Stripe from 'stripe';
import type { BillingEraser } from './deletion-job.js';

/** Ends the account's business with Stripe; what Stripe no longer has counts as done, so a resumed job can call again. */
export function createStripeEraser(stripe: Stripe): BillingEraser {
  return {
    async cancelSubscription(subscriptionId) {
      await ignoreMissing(async () => {
        const subscription = await stripe.subscriptions.retrieve(subscriptionId);
        if (subscription.status !== 'canceled') await stripe.subscriptions.cancel(subscriptionId);
      });
    },
    async deleteCustomer(customerId) {
      await ignoreMissing(() => stripe.customers.del(customerId));
    },
  };
}

async function ignoreMissing(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if ((err as { code?: string } | null)?.code !== 'resource_missing') throw err;
  }
}
