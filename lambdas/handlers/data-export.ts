import type { RouKeyEvent } from '../events/roukey-events.js';
import { exportJob } from '../export/export-context.js';

let job: ReturnType<typeof exportJob> | undefined;

/** The `export.requested` event's job (P18): one account's export document, streamed to the exports bucket. */
export async function handler(event: RouKeyEvent<'export.requested'>): Promise<void> {
  job ??= exportJob();
  const { accountId, exportId } = event.detail;
  await (await job).run(accountId, exportId);
}
