import { z } from 'zod';
import type { EventPublisher } from '../events/event-publisher.js';
import { ApiError } from '../http/errors.js';
import { newId } from '../keys/key-material.js';

/** One line: the headline is the email's subject, where a line break would start a header. */
const ONE_LINE = /^[^\p{Cc}]*$/u;
/** Plain text: line breaks and tabs, no other control characters. */
const PLAIN_TEXT = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

/** `POST /v1/admin/product-updates`. */
export const productUpdateSchema = z.strictObject({
  headline: z.string().trim().min(1).max(120).regex(ONE_LINE, { error: 'must be one line of text' }),
  text: z.string().trim().min(1).max(5000).regex(PLAIN_TEXT, { error: 'must be plain text' }),
});

export type ProductUpdateInput = z.infer<typeof productUpdateSchema>;

/** A deployment announces a few things a day at most: more is a mistake (a script looping), not news. */
export const PRODUCT_UPDATE_LIMITS = { perDay: 5 } as const;

/** Update ids as newId('upd') makes them; anything else cannot exist, so it is a 404 without a read. */
export const UPDATE_ID = /^upd_[A-Za-z0-9_-]{22}$/;

export const PRODUCT_UPDATE_STATUSES = ['queued', 'running', 'done'] as const;

/** How far the job got: `sent` over every run; `skipped` (not opted in, no address, no sender) and `failed` of the last run. */
export interface ProductUpdateProgress {
  readonly status: (typeof PRODUCT_UPDATE_STATUSES)[number];
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface ProductUpdate extends ProductUpdateProgress, ProductUpdateInput {
  readonly updateId: string;
  readonly createdAt: string;
}

/** Where an update waits for its job and keeps its progress (lambdas/store/limits-product-updates.ts). */
export interface ProductUpdateStore {
  /** Stores a new update as queued, counted against today's (UTC) limit; `daily_limit` when today's are used up. */
  create(updateId: string, input: ProductUpdateInput): Promise<'daily_limit' | undefined>;
  get(updateId: string): Promise<ProductUpdate | undefined>;
  setProgress(updateId: string, progress: ProductUpdateProgress): Promise<void>;
  remove(updateId: string): Promise<void>;
}

export interface ProductUpdateView extends ProductUpdateProgress {
  readonly object: 'product_update';
  readonly id: string;
  readonly headline: string;
  readonly createdAt: string;
}

/** `POST /v1/admin/product-updates` and `GET /v1/admin/product-updates/{id}` (P21); the job is product-update-job.ts. */
export function createProductUpdateService(deps: { store: ProductUpdateStore; events: () => EventPublisher }) {
  return {
    async announce(input: ProductUpdateInput): Promise<{ updateId: string }> {
      const updateId = newId('upd');
      if (await deps.store.create(updateId, input)) {
        throw new ApiError('rate_limited', `At most ${PRODUCT_UPDATE_LIMITS.perDay} product updates can be sent a day (UTC); try again tomorrow.`, {
          code: 'product_update_daily_limit',
        });
      }
      try {
        await deps.events().publish('product-update.requested', { updateId });
      } catch (err) {
        // No job will run: an update that can never be sent is not kept to be read back as queued.
        await deps.store.remove(updateId);
        throw err;
      }
      return { updateId };
    },

    async status(updateId: string): Promise<ProductUpdateView> {
      const update = UPDATE_ID.test(updateId) ? await deps.store.get(updateId) : undefined;
      if (!update) throw new ApiError('not_found', 'No such product update.', { param: 'id' });
      const { status, sent, skipped, failed, headline, createdAt } = update;
      return { object: 'product_update', id: updateId, headline, status, sent, skipped, failed, createdAt };
    },
  };
}

export type ProductUpdateService = ReturnType<typeof createProductUpdateService>;
