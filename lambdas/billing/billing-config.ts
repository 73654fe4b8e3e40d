import { z } from 'zod';
import { jsonVariable } from '../runtime-config.js';
import { stripePricesSchema, type StripePrices } from './stripe-prices.js';

/**
 * Billing's environment: in AWS the stack names the Secrets Manager secret (`roukey:stripeSecretName`); locally the
 * key and the webhook signing secret come as values. Neither set: billing is off.
 */
const envSchema = z.object({
  STRIPE_SECRET_ID: z.string().min(1).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Points the SDK at another host (tests use a fake Stripe on loopback). */
  STRIPE_API_BASE: z.url().optional(),
  STRIPE_PRICES: jsonVariable('STRIPE_PRICES', stripePricesSchema),
  /** Where Checkout and the portal send people back: the dashboard, else the API. */
  BILLING_RETURN_URL: z.url().optional(),
});

/** The secret `roukey:stripeSecretName` names: `{"secretKey": "sk_…", "webhookSecret": "whsec_…"}`. */
export const stripeSecretSchema = z.object({ secretKey: z.string().min(1), webhookSecret: z.string().min(1) });
export type StripeSecrets = z.infer<typeof stripeSecretSchema>;

export interface BillingConfig {
  readonly secrets: { readonly kind: 'secretsManager'; readonly secretId: string } | ({ readonly kind: 'value' } & StripeSecrets);
  readonly apiBase?: string;
  readonly prices: StripePrices;
  readonly returnUrl: string;
}

/** Billing's config, or undefined when the operator has not configured Stripe. */
export function loadBillingConfig(env: NodeJS.ProcessEnv = process.env): BillingConfig | undefined {
  const parsed = envSchema.parse(env);
  const common = { apiBase: parsed.STRIPE_API_BASE, prices: parsed.STRIPE_PRICES, returnUrl: parsed.BILLING_RETURN_URL ?? 'http://localhost:5173/' };
  if (parsed.STRIPE_SECRET_ID) return { ...common, secrets: { kind: 'secretsManager', secretId: parsed.STRIPE_SECRET_ID } };
  if (!parsed.STRIPE_SECRET_KEY) return undefined;
  const webhookSecret = z.string({ error: 'STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY' }).parse(parsed.STRIPE_WEBHOOK_SECRET);
  return { ...common, secrets: { kind: 'value', secretKey: parsed.STRIPE_SECRET_KEY, webhookSecret } };
}
