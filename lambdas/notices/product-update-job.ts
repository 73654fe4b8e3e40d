import { sendNoticeOnce, type NoticeOnceCounts, type NoticeOnceDeps } from './notice-once.js';
import type { ProductUpdateProgress, ProductUpdateStore } from './product-updates.js';

/**
 * The `product-update.requested` event's job (P21): the update is mailed once to every account whose user turned
 * product updates on, and to nobody else. Its NOTICE# mark (`product-update#<updateId>`) makes a rerun or a second
 * delivery of the event send nothing twice. Undefined when the update is gone (its retention passed).
 */
export async function runProductUpdate(
  deps: NoticeOnceDeps & {
    store: ProductUpdateStore;
    /** Whether the account's user turned product updates on (asked before the mark is claimed, so others cost no write). */
    wantsUpdates(accountId: string): Promise<boolean>;
  },
  updateId: string,
): Promise<ProductUpdateProgress | undefined> {
  const { store } = deps;
  const update = await store.get(updateId);
  if (!update) return undefined;
  // Accounts reached by an earlier run count as alreadySent in this one: `sent` adds this run's to theirs. Two deliveries
  // running at once still send nothing twice (the marks); their counts are then the last writer's.
  const progress = (counts: NoticeOnceCounts, status: ProductUpdateProgress['status']): ProductUpdateProgress => ({
    status,
    sent: update.sent + counts.sent,
    skipped: counts.accounts - counts.eligible + counts.unsent - counts.failed,
    failed: counts.failed,
  });
  await store.setProgress(updateId, { status: 'running', sent: update.sent, skipped: 0, failed: 0 });
  const counts = await sendNoticeOnce(deps, {
    mark: `product-update#${updateId}`,
    notice: { kind: 'product-update', headline: update.headline, text: update.text },
    eligible: (profile) => deps.wantsUpdates(profile.accountId),
    afterPage: (soFar) => store.setProgress(updateId, progress(soFar, 'running')),
  });
  const done = progress(counts, 'done');
  await store.setProgress(updateId, done);
  return done;
}
