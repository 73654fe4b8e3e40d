import { sendNoticeOnce, type NoticeOnceDeps } from './notice-once.js';

export interface PolicyNoticesResult {
  readonly accounts: number;
  /** Accounts whose user accepted an older version: `GET /v1/me` flags `policyUpdate` for them. */
  readonly flagged: number;
  readonly sent: number;
  /** Flagged accounts told of this version by an earlier run. */
  readonly alreadySent: number;
  /** Flagged accounts not reached this time (no address yet, or the mailer failed): a later run tries again. */
  readonly unsent: number;
  readonly failed: number;
}

/**
 * The notice of a policy change (P25): every account whose user accepted an older version than `policyVersion` is
 * sent one email per version (sendNoticeOnce: re-running never sends one twice).
 */
export async function runPolicyNotices(deps: NoticeOnceDeps & { policyVersion: string }): Promise<PolicyNoticesResult> {
  const { policyVersion } = deps;
  const { accounts, eligible, sent, alreadySent, unsent, failed } = await sendNoticeOnce(deps, {
    mark: `policy-change#${policyVersion}`,
    notice: { kind: 'policy-change', policyVersion },
    // No consent yet: the current policy is put to them when they first use RouKey, so nothing has changed for them.
    eligible: (profile) => profile.consentedPolicy !== undefined && profile.consentedPolicy !== policyVersion,
  });
  return { accounts, flagged: eligible, sent, alreadySent, unsent, failed };
}
