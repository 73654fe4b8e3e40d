import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { billingParts } from '../billing/billing-context.js';
import { runBillingSync, type BillingSyncResult } from '../billing/billing-sync.js';
import { logger } from '../http/logger.js';

/** The nightly billing sync, invoked by EventBridge Scheduler (lib/billing.ts) or locally by a timer and `npm run job billing-sync`. */
export interface BillingSyncEvent {
  /** The schedule's time (`<aws.scheduler.scheduled-time>`): the run's date, so a retried run is the same run. */
  readonly runDate?: string;
}

export const BILLING_SYNC_METRIC = 'BillingSyncCorrections';

const metrics = new Metrics({ namespace: 'RouKey', serviceName: 'billing-sync' });

export async function handler(event: BillingSyncEvent = {}): Promise<BillingSyncResult | { skipped: 'billing_disabled' }> {
  const parts = await billingParts();
  if (!parts) return { skipped: 'billing_disabled' };
  const runDate = (event.runDate ? new Date(event.runDate) : new Date()).toISOString().slice(0, 10);
  try {
    const result = await runBillingSync(
      {
        ...parts.deps,
        metrics: { corrections: (count) => metrics.addMetric(BILLING_SYNC_METRIC, MetricUnit.Count, count) },
      },
      runDate,
    );
    logger.info('billing sync finished', { ...result });
    // The scheduler retries a failed run (with backoff) and dead-letters it at last; accounts done are skipped then.
    if (result.failed > 0) throw new Error(`Billing sync: ${result.failed} of ${result.accounts} accounts not reconciled`);
    return result;
  } finally {
    metrics.publishStoredMetrics();
  }
}
