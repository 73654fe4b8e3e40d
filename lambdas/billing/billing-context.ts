import { managementContext } from '../http/management-context.js';
import { ApiError } from '../http/errors.js';
import { noticesNotifier } from '../notices/notices-context.js';
import { secretsManagerReader } from '../secrets-manager.js';
import { accountCounts } from '../store/accounts-items.js';
import { createLedgerStore } from '../store/ledger-items.js';
import { createMonthlyUsageReader } from '../store/limits-items.js';
import { loadBillingConfig, stripeSecretSchema, type BillingConfig, type StripeSecrets } from './billing-config.js';
import { createBillingService, type BillingService, type BillingServiceDeps } from './billing-service.js';
import { createStripe } from './stripe-client.js';
import { createWebhookService } from './webhook-service.js';

export interface BillingParts {
  readonly deps: BillingServiceDeps;
  readonly webhookSecret: string;
}

let parts: Promise<BillingParts | undefined> | undefined;

/** Billing's wiring for this container (the composition root), or undefined when Stripe is not configured. */
export function billingParts(): Promise<BillingParts | undefined> {
  parts ??= build();
  // A failed secret read is not remembered: the next request tries again.
  parts.catch(() => {
    parts = undefined;
  });
  return parts;
}

async function build(): Promise<BillingParts | undefined> {
  const config = loadBillingConfig();
  if (!config) return undefined;
  const { config: runtime, db, accounts, securityEvents } = managementContext();
  const secrets = await readSecrets(config, runtime.region);
  return {
    webhookSecret: secrets.webhookSecret,
    deps: {
      stripe: createStripe(secrets.secretKey, { apiBase: config.apiBase }),
      store: createLedgerStore(db, runtime.tables.ledger),
      accounts,
      catalog: runtime.plans,
      prices: config.prices,
      audit: securityEvents,
      notices: noticesNotifier(),
      usage: createMonthlyUsageReader(db, runtime.tables.limits),
      counts: accountCounts(db, runtime.tables.accounts),
      returnUrl: config.returnUrl,
      now: Date.now,
    },
  };
}

/** The Stripe key and webhook secret: given as values (locally) or read from Secrets Manager. */
export async function readSecrets(config: BillingConfig, region: string): Promise<StripeSecrets> {
  if (config.secrets.kind === 'value') return config.secrets;
  return stripeSecretSchema.parse(JSON.parse(await secretsManagerReader(region)(config.secrets.secretId)));
}

/** 409 `billing_disabled`: what every billing route answers while the operator has not configured Stripe. */
export function billingDisabled(): ApiError {
  return new ApiError(
    'conflict',
    'Billing is not enabled on this deployment: plans are assigned by its administrators. The operator turns billing on by configuring Stripe (roukey:stripeSecretName).',
    { code: 'billing_disabled' },
  );
}

let service: BillingService | undefined;

/** The signed-in routes' service; 409 while billing is off. */
export async function billingService(): Promise<BillingService> {
  const built = await billingParts();
  if (!built) throw billingDisabled();
  return (service ??= createBillingService(built.deps));
}

let webhooks: ReturnType<typeof createWebhookService> | undefined;

export async function webhookService(): Promise<ReturnType<typeof createWebhookService>> {
  const built = await billingParts();
  if (!built) throw billingDisabled();
  return (webhooks ??= createWebhookService({ ...built.deps, webhookSecret: built.webhookSecret }));
}
