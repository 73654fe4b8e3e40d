import { z } from 'zod';
import type { EventPublisher } from '../events/event-publisher.js';
import { ApiError } from '../http/errors.js';
import { newId } from '../keys/key-material.js';
import { CONFIRMATION_TTL_SECONDS, confirmationHash, isFreshSignIn, newConfirmation, proofRequired } from './deletion-proof.js';

export const DELETION_STATUSES = ['pending', 'running', 'done'] as const;
export type DeletionStatus = (typeof DELETION_STATUSES)[number];

/** The job's steps, in order (lambdas/deletion/deletion-job.ts); the Cognito user goes last of what a person could use. */
export const DELETION_PHASES = ['ledger', 'billing', 'limits', 'activity', 'objects', 'accounts', 'usage', 'sign-in'] as const;
export type DeletionPhase = (typeof DELETION_PHASES)[number];

/** What a deletion's status item tells, to its user and to anyone holding its id: nothing personal. */
export interface DeletionView {
  readonly id: string;
  readonly status: DeletionStatus;
  readonly progress: {
    /** The step being worked on (the last one when done), and how many steps there are. */
    readonly phase: DeletionPhase;
    readonly step: number;
    readonly steps: number;
    /** Items and objects deleted (or, for the ledger, dissociated) so far. */
    readonly deleted: number;
  };
  readonly requestedAt: string;
  readonly completedAt?: string;
}

/** The deletion's own records (lambdas/store/deletion-items.ts). */
export interface DeletionStore {
  saveConfirmation(accountId: string, hash: string, expiresAt: number): Promise<void>;
  /** Takes the account's confirmation when `hash` matches and it has not expired: once only. */
  takeConfirmation(accountId: string, hash: string, nowSeconds: number): Promise<boolean>;
  /**
   * Marks the account deleted (its tombstone: the status every route checks) and creates the status item, in one
   * transaction; resolves the deletion id that stands, an earlier one when the account was already deleted.
   */
  tombstone(accountId: string, request: { deletionId: string; username: string; requestedAt: string }): Promise<string>;
  deletionIdOf(accountId: string): Promise<string | undefined>;
  view(deletionId: string): Promise<DeletionView | undefined>;
}

export const deletionRequestSchema = z.strictObject({ confirmation: z.string().min(1).max(200).optional() });

/** A deletion id as `deletionId` makes it: what `GET /v1/deletions/{id}` accepts before reading anything. */
export const DELETION_ID = /^del_[A-Za-z0-9_-]{22}$/;

export interface DeletionService {
  /** A confirmation for `DELETE /v1/me`, valid CONFIRMATION_TTL_SECONDS, replacing any earlier one. */
  confirmation(accountId: string): Promise<{ token: string; expiresAt: string }>;
  /** Tombstone, then the job's event; the same deletion id for a repeated call. */
  request(input: { accountId: string; username: string; authTime: unknown; confirmation?: string }): Promise<{ deletionId: string }>;
  ofAccount(accountId: string): Promise<DeletionView>;
  byId(deletionId: string): Promise<DeletionView>;
}

export function createDeletionService(deps: {
  store: DeletionStore;
  events: () => EventPublisher;
  /** Told once the tombstone is written: this container re-reads the account's state at once. */
  onTombstone?: (accountId: string) => Promise<unknown>;
  now?: () => number;
}): DeletionService {
  const { store, now = Date.now } = deps;
  const notFound = () => new ApiError('not_found', 'No such deletion.', { code: 'deletion_not_found' });
  return {
    async confirmation(accountId) {
      const token = newConfirmation();
      const expiresAt = Math.floor(now() / 1000) + CONFIRMATION_TTL_SECONDS;
      await store.saveConfirmation(accountId, confirmationHash(token), expiresAt);
      return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
    },

    async request({ accountId, username, authTime, confirmation }) {
      let deletionId = await store.deletionIdOf(accountId);
      if (deletionId === undefined) {
        // A confirmation sent is checked even with a fresh sign-in: a wrong one is a mistake worth saying.
        if (confirmation !== undefined) {
          if (!(await store.takeConfirmation(accountId, confirmationHash(confirmation), Math.floor(now() / 1000)))) throw proofRequired('invalid_confirmation');
        } else if (!isFreshSignIn(authTime, now())) throw proofRequired('stale_sign_in');
        deletionId = await store.tombstone(accountId, { deletionId: newId('del'), username, requestedAt: new Date(now()).toISOString() });
        await deps.onTombstone?.(accountId);
      }
      // Published on every call: the job is idempotent, and a publish that failed before is made good.
      await deps.events().publish('deletion.requested', { deletionId });
      return { deletionId };
    },

    async ofAccount(accountId) {
      const deletionId = await store.deletionIdOf(accountId);
      const view = deletionId === undefined ? undefined : await store.view(deletionId);
      if (!view) throw notFound();
      return view;
    },

    async byId(deletionId) {
      const view = DELETION_ID.test(deletionId) ? await store.view(deletionId) : undefined;
      if (!view) throw notFound();
      return view;
    },
  };
}
