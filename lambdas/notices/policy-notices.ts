import type { AccountProfileStore } from '../accounts/account-profile.js';
import type { Notifier } from './notifier.js';

/** Notices an account is sent at most once, each marked by a NOTICE# item (lambdas/store/accounts-notices.ts). */
export interface NoticeMarkers {
  /** Marks the notice as sent to the account; false when it already was. */
  claim(accountId: string, notice: string, at: string): Promise<boolean>;
  /** Takes the mark back, so a later run sends the notice after all. */
  release(accountId: string, notice: string): Promise<void>;
}

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

const PAGE = 100;

/**
 * The notice of a policy change (P25): every account whose user accepted an older version than `policyVersion` is
 * sent one email per version. The mark is claimed before the send and taken back when the send did not happen, so
 * re-running (a retry, a restart, the next day's schedule) never sends one twice.
 */
export async function runPolicyNotices(deps: {
  accounts: Pick<AccountProfileStore, 'listProfiles'>;
  markers: NoticeMarkers;
  notifier: Notifier;
  policyVersion: string;
  now: () => number;
}): Promise<PolicyNoticesResult> {
  const { accounts, markers, notifier, policyVersion } = deps;
  const mark = `policy-change#${policyVersion}`;
  const result = { accounts: 0, flagged: 0, sent: 0, alreadySent: 0, unsent: 0, failed: 0 };
  let after: Parameters<AccountProfileStore['listProfiles']>[0]['after'];
  do {
    const page = await accounts.listProfiles({ limit: PAGE, after });
    for (const profile of page.profiles) {
      result.accounts++;
      // No consent yet: the current policy is put to them when they first use RouKey, so nothing has changed for them.
      if (profile.consentedPolicy === undefined || profile.consentedPolicy === policyVersion) continue;
      result.flagged++;
      if (!(await markers.claim(profile.accountId, mark, new Date(deps.now()).toISOString()))) {
        result.alreadySent++;
        continue;
      }
      const outcome = await notifier.notify(profile.accountId, { kind: 'policy-change', policyVersion });
      if (outcome === 'sent') {
        result.sent++;
        continue;
      }
      await markers.release(profile.accountId, mark);
      result.unsent++;
      if (outcome === 'failed') result.failed++;
    }
    after = page.after;
  } while (after);
  return result;
}
