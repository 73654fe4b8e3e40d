import { z } from 'zod';
import type { PlanId } from '../plans/catalog.js';

/** How often a subscription bills. */
export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** The plans sold through Checkout: Free costs nothing and Enterprise is sold by contract. */
export const PURCHASABLE_PLANS = ['starter', 'professional'] as const satisfies readonly PlanId[];
export type PurchasablePlan = (typeof PURCHASABLE_PLANS)[number];

const priceId = z.string().regex(/^price_[A-Za-z0-9]{1,200}$/, { error: 'must be a Stripe price id (price_…)' });

const planPricesSchema = z.strictObject({
  month: priceId.optional(),
  year: priceId.optional(),
  /**
   * The `event_name` of a Stripe billing meter: requests beyond the plan's monthly allowance are reported to it
   * (the plan's subscription carries the metered overage price).
   */
  overageMeter: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'must be a Stripe meter event name' })
    .optional(),
});

/** `roukey:stripePrices` (and `STRIPE_PRICES` locally): per purchasable plan, its Stripe price per interval. */
export const stripePricesSchema = z.strictObject(
  Object.fromEntries(PURCHASABLE_PLANS.map((plan) => [plan, planPricesSchema.optional()])) as Record<PurchasablePlan, z.ZodOptional<typeof planPricesSchema>>,
);
export type StripePrices = z.infer<typeof stripePricesSchema>;

/** The price to subscribe to `plan` billed every `interval`, when the operator configured one. */
export function priceFor(prices: StripePrices, plan: PurchasablePlan, interval: BillingInterval): string | undefined {
  return prices[plan]?.[interval];
}

/** The plan a Stripe price buys; undefined for a price RouKey does not sell (an overage price, another product). */
export function planOfPrice(prices: StripePrices, price: string): PurchasablePlan | undefined {
  return PURCHASABLE_PLANS.find((plan) => prices[plan]?.month === price || prices[plan]?.year === price);
}
