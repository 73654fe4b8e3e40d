import type { AccountProfile, AccountProfileStore } from '../accounts/account-profile.js';
import type { Notice } from './notice-messages.js';
import type { Notifier } from './notifier.js';

/** Notices an account is sent at most once, each marked by a NOTICE# item (lambdas/store/accounts-notices.ts). */
export interface NoticeMarkers {
  /** Marks the notice as sent to the account; false when it already was. */
  claim(accountId: string, notice: string, at: string): Promise<boolean>;
  /** Takes the mark back, so a later run sends the notice after all. */
  release(accountId: string, notice: string): Promise<void>;
}

/** What one run of a notice sent once per account did. */
export interface NoticeOnceCounts {
  readonly accounts: number;
  /** Accounts the notice is meant for. */
  readonly eligible: number;
  readonly sent: number;
  /** Eligible accounts told by an earlier run. */
  readonly alreadySent: number;
  /** Eligible accounts not reached this time (opted out since, no address yet, no sender, the mailer failed): a later run tries again. */
  readonly unsent: number;
  /** Of those, the sends that failed. */
  readonly failed: number;
}

export interface NoticeOnceDeps {
  readonly accounts: Pick<AccountProfileStore, 'listProfiles'>;
  readonly markers: NoticeMarkers;
  readonly notifier: Notifier;
  readonly now: () => number;
}

const PAGE = 100;

/**
 * Sends `notice` once to every account `eligible` picks, page by page through the accounts listing. The mark is
 * claimed before the send and taken back when the send did not happen, so re-running (a retry, a restart, a second
 * delivery of the same event) never sends one twice. `afterPage` sees the counts so far (a job's progress).
 */
export async function sendNoticeOnce(
  deps: NoticeOnceDeps,
  run: {
    readonly mark: string;
    readonly notice: Notice;
    eligible(profile: AccountProfile): boolean | Promise<boolean>;
    afterPage?(counts: NoticeOnceCounts): Promise<void>;
  },
): Promise<NoticeOnceCounts> {
  const { accounts, markers, notifier } = deps;
  const counts = { accounts: 0, eligible: 0, sent: 0, alreadySent: 0, unsent: 0, failed: 0 };
  let after: Parameters<AccountProfileStore['listProfiles']>[0]['after'];
  do {
    const page = await accounts.listProfiles({ limit: PAGE, after });
    for (const profile of page.profiles) {
      counts.accounts++;
      if (!(await run.eligible(profile))) continue;
      counts.eligible++;
      if (!(await markers.claim(profile.accountId, run.mark, new Date(deps.now()).toISOString()))) {
        counts.alreadySent++;
        continue;
      }
      const outcome = await notifier.notify(profile.accountId, run.notice);
      if (outcome === 'sent') {
        counts.sent++;
        continue;
      }
      await markers.release(profile.accountId, run.mark);
      counts.unsent++;
      if (outcome === 'failed') counts.failed++;
    }
    await run.afterPage?.({ ...counts });
    after = page.after;
  } while (after);
  return counts;
}
