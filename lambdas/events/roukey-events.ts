/**
 * The events RouKey puts on its own EventBridge bus: the API publishes them (lambdas/events/event-publisher.ts) and
 * each starts a job (lambdas/handlers/event-jobs.ts). A detail names ids only, never a person's data: it passes
 * through EventBridge, a dead-letter queue and, locally, a log line when a job fails.
 */
export const EVENT_SOURCE = 'roukey';

export interface RouKeyEvents {
  /** `POST /v1/me/export`: write the account's export document. */
  'export.requested': { readonly accountId: string; readonly exportId: string };
  /** `DELETE /v1/me`: delete the account (its deletion id is all the job needs to resume). */
  'deletion.requested': { readonly deletionId: string };
  /** `POST /v1/admin/product-updates`: mail the announcement to those who opted in (its text waits in the limits table). */
  'product-update.requested': { readonly updateId: string };
}

export type RouKeyEventType = keyof RouKeyEvents;

/** An event as EventBridge hands it to a Lambda target (and the local bus to the same handler). */
export interface RouKeyEvent<T extends RouKeyEventType = RouKeyEventType> {
  readonly id: string;
  readonly source: typeof EVENT_SOURCE;
  readonly 'detail-type': T;
  readonly time: string;
  readonly detail: RouKeyEvents[T];
}
