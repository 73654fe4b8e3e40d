import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { loadBillingConfig } from '../../../lambdas/billing/billing-config.js';
import { planOfSubscription, statusOf } from '../../../lambdas/billing/stripe-objects.js';
import { planOfPrice, stripePricesSchema } from '../../../lambdas/billing/stripe-prices.js';
import { TABLE_NAMES, tableEnvVar } from '../../../lambdas/store/tables.js';

const PRICES = { starter: { month: 'price_s1', year: 'price_s12' }, professional: { month: 'price_p1' } };

describe('billing config', () => {
  it('is off without a Stripe key or secret name, so every billing route answers 409', () => {
    expect(loadBillingConfig({})).toBeUndefined();
  });

  it('locally: the key, the webhook secret, the API base and STRIPE_PRICES; a key without its webhook secret is an error', () => {
    const env = {
      STRIPE_SECRET_KEY: 'sk_test_1',
      STRIPE_WEBHOOK_SECRET: 'whsec_1',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      STRIPE_PRICES: JSON.stringify(PRICES),
    };
    expect(loadBillingConfig(env)).toMatchObject({
      secrets: { kind: 'value', secretKey: 'sk_test_1', webhookSecret: 'whsec_1' },
      apiBase: 'http://127.0.0.1:9',
      prices: PRICES,
    });
    expect(() => loadBillingConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => loadBillingConfig({ ...env, STRIPE_PRICES: '{' })).toThrow(/STRIPE_PRICES is not JSON/);
  });

  it('in AWS: the secret named by roukey:stripeSecretName is read once with GetSecretValue and parsed', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: 'roukey/stripe' }).resolves({
      SecretString: JSON.stringify({ secretKey: 'sk_live_x', webhookSecret: 'whsec_live' }),
    });
    for (const t of TABLE_NAMES) process.env[tableEnvVar(t)] = `t-${t}`;
    Object.assign(process.env, { KMS_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/1', STRIPE_SECRET_ID: 'roukey/stripe' });
    const { billingParts } = await import('../../../lambdas/billing/billing-context.js');
    const [first, second] = await Promise.all([billingParts(), billingParts()]);
    expect(first?.webhookSecret).toBe('whsec_live');
    expect(second).toBe(first);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    sm.restore();
  });
});

describe('prices and subscriptions', () => {
  it('P15: only the purchasable plans have prices; a price maps back to its plan', () => {
    expect(stripePricesSchema.safeParse({ enterprise: { month: 'price_e' } }).success).toBe(false);
    expect(stripePricesSchema.safeParse({ free: { month: 'price_f' } }).success).toBe(false);
    expect(planOfPrice(PRICES, 'price_s12')).toBe('starter');
    expect(planOfPrice(PRICES, 'price_other')).toBeUndefined();
  });

  it.each([
    ['active', 'active'],
    ['trialing', 'trialing'],
    ['past_due', 'past_due'],
    ['unpaid', 'past_due'],
    ['incomplete', 'past_due'],
    ['incomplete_expired', 'canceled'],
    ['canceled', 'canceled'],
    ['paused', 'canceled'],
  ])("Stripe's %s shows as %s", (stripe, shown) => {
    expect(statusOf({ status: stripe } as never)).toBe(shown);
  });

  it('a subscription buys the plan of the first item whose price RouKey sells (an overage item is skipped)', () => {
    const items = (...prices: string[]) => ({ items: { data: prices.map((id) => ({ price: { id } })) } }) as never;
    expect(planOfSubscription(items('price_metered', 'price_p1'), PRICES)).toBe('professional');
    expect(planOfSubscription(items('price_metered'), PRICES)).toBeUndefined();
  });
});
