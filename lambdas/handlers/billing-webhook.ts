import { webhookService } from '../billing/billing-context.js';
import { publicHandler, route } from '../http/management-handler.js';

/**
 * POST /v1/billing/webhook: Stripe's deliveries, authenticated by their signature rather than a sign-in. The body is
 * verified byte for byte as API Gateway's proxy integration passed it (never parsed and re-serialised first).
 */
export const handler = publicHandler({
  routes: {
    POST: route({
      handle: async ({ event }) => {
        const raw = event.isBase64Encoded && event.body !== null ? Buffer.from(event.body, 'base64') : (event.body ?? '');
        const signature = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1];
        return { status: 200, body: await (await webhookService()).receive(raw, signature) };
      },
    }),
  },
});
