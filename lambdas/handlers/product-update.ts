import type { RouKeyEvent } from '../events/roukey-events.js';
import { logger } from '../http/logger.js';
import { sendProductUpdate } from '../notices/product-updates-context.js';

/** The `product-update.requested` event's job (P21): the update mailed once to each account that opted in. */
export async function handler(event: RouKeyEvent<'product-update.requested'>): Promise<void> {
  const { updateId } = event.detail;
  const result = await sendProductUpdate(updateId);
  // Counts and the id only: never the headline or the text.
  logger.info('product update finished', { updateId, ...(result ?? { status: 'gone' }) });
  // The bus retries a failed run, then dead-letters it; accounts already sent to are skipped then.
  if (result && result.failed > 0) throw new Error(`Product update ${updateId}: ${result.failed} not sent`);
}
