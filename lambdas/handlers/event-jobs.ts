import type { RouKeyEventType } from '../events/roukey-events.js';

export interface EventJob {
  /** The event that starts it. */
  readonly on: RouKeyEventType;
  readonly timeoutMinutes: number;
  /** The function's memory, where the default (lib/function.ts) is not enough; Lambda's CPU share grows with it. */
  readonly memoryMiB?: number;
}

/**
 * The jobs RouKey's own events start: read by lib/events.ts, which routes each event type to its function with a
 * rule, and by the local bus (lib/local/event-bus.ts), which calls the same handler. `timeoutMinutes`: the
 * function's timeout (Lambda allows 15 at most).
 */
export const EVENT_JOBS = {
  /**
   * P18: one account's export document (docs/export.md). One run is enough for a million request records
   * (bench/README.md); the memory is for CPU (gzip, JSON), not for the document, which is never held whole.
   */
  'data-export': { on: 'export.requested', timeoutMinutes: 15, memoryMiB: 1024 },
  /** Deletes an account (lambdas/deletion/deletion-job.ts); a run near its timeout hands over to the next. */
  'account-deletion': { on: 'deletion.requested', timeoutMinutes: 15 },
  /** P21: an admin's product update, mailed once to every account that opted in (lambdas/notices/product-update-job.ts). */
  'product-update': { on: 'product-update.requested', timeoutMinutes: 15 },
} as const satisfies Record<string, EventJob>;

export type EventJobName = keyof typeof EVENT_JOBS;
