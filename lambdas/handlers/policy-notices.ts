import { POLICY_VERSION } from '../accounts/policy.js';
import { managementContext } from '../http/management-context.js';
import { logger } from '../http/logger.js';
import { noticesNotifier } from '../notices/notices-context.js';
import { runPolicyNotices, type PolicyNoticesResult } from '../notices/policy-notices.js';
import { createNoticeMarkers } from '../store/accounts-notices.js';

/**
 * The notice of a policy change (P25), run daily by EventBridge Scheduler (lib/notices.ts), locally once after
 * `npm start` has started and by `npm run job policy-notices`. Idempotent: each account is told of a version once.
 */
export async function handler(_event: { runDate?: string } = {}): Promise<PolicyNoticesResult> {
  const { accounts, db, config } = managementContext();
  const result = await runPolicyNotices({
    accounts,
    markers: createNoticeMarkers(db, config.tables.accounts),
    notifier: noticesNotifier(),
    policyVersion: POLICY_VERSION,
    now: Date.now,
  });
  logger.info('policy notices finished', { ...result });
  // The scheduler retries a failed run (with backoff), then dead-letters it; accounts already told are skipped then.
  if (result.failed > 0) throw new Error(`Policy notices: ${result.failed} of ${result.flagged} not sent`);
  return result;
}
