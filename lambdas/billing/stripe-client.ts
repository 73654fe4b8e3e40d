import Stripe from 'stripe';

/**
 * The official SDK, pointed at `apiBase` when given (a fake Stripe on loopback in tests and `npm start`). Its own
 * retries (with backoff, honouring Stripe's `Stripe-Should-Retry`) cover transient failures and rate limits.
 */
export function createStripe(secretKey: string, options: { apiBase?: string; maxNetworkRetries?: number } = {}): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'http:' ? 80 : 443)),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
}
