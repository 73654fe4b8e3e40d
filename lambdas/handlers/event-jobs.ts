import type { RouKeyEventType } from '../events/roukey-events.js';

export interface EventJob {
  /** The event that starts it. */
  readonly on: RouKeyEventType;
  readonly timeoutMinutes: number;
}

/**
 * The jobs RouKey's own events start: read by lib/events.ts, which routes each event type to its function with a
 * rule, and by the local bus (lib/local/event-bus.ts), which calls the same handler. `timeoutMinutes`: the
 * function's timeout (Lambda allows 15 at most).
 */
export const EVENT_JOBS = {
  /** P18: one account's export document (docs/export.md); bench/README.md shows one run is enough for the largest account measured. */
  'data-export': { on: 'export.requested', timeoutMinutes: 15 },
  /** Deletes an account (lambdas/deletion/deletion-job.ts); a run near its timeout hands over to the next. */
  'account-deletion': { on: 'deletion.requested', timeoutMinutes: 15 },
} as const satisfies Record<string, EventJob>;

export type EventJobName = keyof typeof EVENT_JOBS;
