import type { AccountProfile } from '../../../lambdas/accounts/account-profile.js';
import type { Notice } from '../../../lambdas/notices/notice-messages.js';
import { sendNoticeOnce, type NoticeOnceCounts } from '../../../lambdas/notices/notice-once.js';
import type { NoticeOutcome } from '../../../lambdas/notices/notifier.js';

const NOTICE: Notice = { kind: 'product-update', headline: 'News', text: 'Something new.' };

/** `n` accounts listed `pageSize` at a time, as the listing index pages them; every step is recorded in `steps`. */
function world(n: number, options: { pageSize: number; outcome?: (accountId: string) => NoticeOutcome }) {
  const ids = Array.from({ length: n }, (_, i) => `acc_${String(i).padStart(2, '0')}`);
  const marks = new Set<string>();
  const steps: string[] = [];
  const deps = {
    accounts: {
      async listProfiles({ after }: { limit: number; after?: { createdAt: string; accountId: string } }) {
        const start = after ? ids.indexOf(after.accountId) + 1 : 0;
        const page = ids.slice(start, start + options.pageSize);
        const last = page.at(-1);
        return {
          profiles: page.map((accountId) => ({ accountId }) as AccountProfile),
          after: last && start + options.pageSize < ids.length ? { createdAt: '2026-01-01T00:00:00.000Z', accountId: last } : undefined,
        };
      },
    },
    markers: {
      async claim(accountId: string, mark: string) {
        steps.push(`claim ${accountId}`);
        if (marks.has(`${accountId}/${mark}`)) return false;
        marks.add(`${accountId}/${mark}`);
        return true;
      },
      async release(accountId: string, mark: string) {
        steps.push(`release ${accountId}`);
        marks.delete(`${accountId}/${mark}`);
      },
    },
    notifier: {
      async notify(accountId: string) {
        steps.push(`notify ${accountId}`);
        return options.outcome?.(accountId) ?? 'sent';
      },
    },
    now: () => Date.parse('2026-12-02T12:00:00.000Z'),
  };
  return { deps, steps, marks };
}

describe('sendNoticeOnce', () => {
  it('goes through every page, sends only to eligible accounts, claims each mark before the send, and reports progress per page', async () => {
    const { deps, steps } = world(5, { pageSize: 2 });
    const pages: NoticeOnceCounts[] = [];
    const counts = await sendNoticeOnce(deps, {
      mark: 'product-update#upd_1',
      notice: NOTICE,
      eligible: async (profile) => profile.accountId !== 'acc_01',
      afterPage: async (soFar) => void pages.push(soFar),
    });
    expect(counts).toEqual({ accounts: 5, eligible: 4, sent: 4, alreadySent: 0, unsent: 0, failed: 0 });
    expect(pages.map((p) => p.accounts)).toEqual([2, 4, 5]);
    expect(steps.filter((s) => s.startsWith('notify'))).toEqual(['notify acc_00', 'notify acc_02', 'notify acc_03', 'notify acc_04']);
    expect(steps.indexOf('claim acc_02')).toBeLessThan(steps.indexOf('notify acc_02'));
  });

  it('P21: a second run with the same mark sends nothing; another mark is another notice', async () => {
    const { deps, steps } = world(3, { pageSize: 10 });
    const run = { mark: 'product-update#upd_1', notice: NOTICE, eligible: () => true };
    await sendNoticeOnce(deps, run);
    expect(await sendNoticeOnce(deps, run)).toEqual({ accounts: 3, eligible: 3, sent: 0, alreadySent: 3, unsent: 0, failed: 0 });
    expect(steps.filter((s) => s.startsWith('notify'))).toHaveLength(3);
    expect(await sendNoticeOnce(deps, { ...run, mark: 'product-update#upd_2' })).toMatchObject({ sent: 3 });
  });

  it('takes the mark back when the send did not happen, so the next run sends it; only failures count as failed', async () => {
    let failing = true;
    const { deps, marks } = world(3, {
      pageSize: 2,
      outcome: (accountId) => (accountId === 'acc_01' && failing ? 'failed' : accountId === 'acc_02' && failing ? 'no_address' : 'sent'),
    });
    const run = { mark: 'policy-change#2026-06-01', notice: NOTICE, eligible: () => true };
    expect(await sendNoticeOnce(deps, run)).toEqual({ accounts: 3, eligible: 3, sent: 1, alreadySent: 0, unsent: 2, failed: 1 });
    expect([...marks]).toEqual(['acc_00/policy-change#2026-06-01']);
    failing = false;
    expect(await sendNoticeOnce(deps, run)).toEqual({ accounts: 3, eligible: 3, sent: 2, alreadySent: 1, unsent: 0, failed: 0 });
  });
});
