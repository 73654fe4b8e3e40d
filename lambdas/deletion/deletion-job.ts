import type { TableName } from '../store/tables.js';
import { DELETION_PHASES, type DeletionPhase, type DeletionStatus } from './deletion-service.js';

/** Thrown when a run has spent its budget of deletes: the status item says where the next run picks up. */
export class DeletionInterrupted extends Error {
  constructor() {
    super('The deletion run stopped before it finished; run it again to continue');
    this.name = 'DeletionInterrupted';
  }
}

/** How many more deletes this run may make; `spend` throws DeletionInterrupted past it. */
export interface SweepBudget {
  spend(n: number): void;
}

export interface DeletionTarget {
  readonly deletionId: string;
  readonly accountId: string;
}

/** Deletes one page of a partition's items (those `keep` does not spare); 0 when none is left. */
export type PartitionSweep = (table: TableName, pk: string, budget: SweepBudget, keep?: (sk: string) => boolean) => Promise<number>;

/** The deletion's records and the account's items in DynamoDB (lambdas/store/deletion-items.ts). */
export interface DeletionRecords {
  job(deletionId: string): Promise<{ status: DeletionStatus; phase: DeletionPhase; accountId?: string; scanFrom?: Record<string, unknown> } | undefined>;
  /** Marks the job running, moves it to `phase`, adds to its count; `scanFrom` null forgets a scan's position. */
  progress(deletionId: string, change: { phase?: DeletionPhase; deleted?: number; scanFrom?: Record<string, unknown> | null }): Promise<void>;
  finish(deletionId: string): Promise<void>;
  sweep: PartitionSweep;
  /** The partitions of the account in each table swept whole. */
  partitions(target: DeletionTarget): Readonly<Record<'limits' | 'activity' | 'usage', readonly string[]>>;
  billingRefs(target: DeletionTarget): Promise<{ customerId?: string; subscriptionId?: string }>;
  /** Moves one page of the account's ledger items to the deletion's own partition (P12: kept, without the account). */
  dissociateLedgerPage(target: DeletionTarget, budget: SweepBudget): Promise<number>;
  /** Deletes what maps a Stripe customer or the nightly sync to the account. */
  unlinkLedger(target: DeletionTarget, customerId: string | undefined, budget: SweepBudget): Promise<number>;
  unlinkLedgerEventsPage(
    target: DeletionTarget,
    from: Record<string, unknown> | undefined,
    budget: SweepBudget,
  ): Promise<{ changed: number; next?: Record<string, unknown> }>;
  /** One page of the account's own partition in `accounts` (API keys with their hash lookups), the PROFILE spared. */
  accountsPage(target: DeletionTarget, budget: SweepBudget): Promise<number>;
  /** Who signs in to the account (from its tombstone); undefined once the profile is gone. */
  identity(target: DeletionTarget): Promise<{ sub: string; username: string } | undefined>;
  removeIdentity(target: DeletionTarget, sub: string, budget: SweepBudget): Promise<number>;
}

/** Objects of the account in the buckets (avatars, exports). */
export interface AccountObjects {
  /** Deletes up to a page of the account's objects (every version); 0 when none is left. */
  deletePage(accountId: string, budget: SweepBudget): Promise<number>;
}

/** Stripe, when billing is on: both calls succeed for what is already gone. */
export interface BillingEraser {
  cancelSubscription(subscriptionId: string): Promise<void>;
  deleteCustomer(customerId: string): Promise<void>;
}

export interface SignInDirectory {
  remove(username: string): Promise<void>;
}

export interface DeletionJobDeps {
  readonly records: DeletionRecords;
  readonly objects: AccountObjects;
  /** Undefined while billing is off. */
  readonly billing?: BillingEraser;
  readonly directory: SignInDirectory;
}

export interface DeletionRunOptions {
  /** The most deletes this run makes before it stops (DeletionInterrupted); unlimited by default. */
  readonly maxDeletes?: number;
  /** Asked between pages: true ends the run early ('yielded'), to be continued by another. */
  readonly shouldYield?: () => boolean;
}

/**
 * Runs (or resumes) one account deletion to its end: each phase deletes page after page of what is still there, and
 * the status item records the phase and the count after every page. A run that stops anywhere is continued by the
 * next one from its phase; a finished deletion is left as it is.
 */
export async function runDeletion(deps: DeletionJobDeps, deletionId: string, options: DeletionRunOptions = {}): Promise<'done' | 'yielded' | 'unknown'> {
  const { records } = deps;
  const job = await records.job(deletionId);
  if (!job) return 'unknown';
  if (job.status === 'done' || job.accountId === undefined) return 'done';
  const target: DeletionTarget = { deletionId, accountId: job.accountId };
  let left = options.maxDeletes ?? Number.POSITIVE_INFINITY;
  const budget: SweepBudget = {
    spend(n) {
      if (n > left) throw new DeletionInterrupted();
      left -= n;
    },
  };
  const shouldYield = options.shouldYield ?? (() => false);
  /** Runs `page` until it finds nothing more, recording each page's count; false when the run must yield. */
  const drain = async (page: () => Promise<number>): Promise<boolean> => {
    for (;;) {
      if (shouldYield()) return false;
      const deleted = await page();
      if (deleted === 0) return true;
      await records.progress(deletionId, { deleted });
    }
  };

  const phases: Record<DeletionPhase, () => Promise<boolean>> = {
    ledger: async () => {
      // The links go before Stripe is told: its webhooks about this customer then find no account to change.
      const { customerId } = await records.billingRefs(target);
      if (!(await drain(() => records.dissociateLedgerPage(target, budget)))) return false;
      await records.progress(deletionId, { deleted: await records.unlinkLedger(target, customerId, budget) });
      let from = (await records.job(deletionId))?.scanFrom;
      do {
        if (shouldYield()) return false;
        const scanned = await records.unlinkLedgerEventsPage(target, from, budget);
        from = scanned.next;
        await records.progress(deletionId, { deleted: scanned.changed, scanFrom: from ?? null });
      } while (from);
      return true;
    },
    billing: async () => {
      const { customerId, subscriptionId } = await records.billingRefs(target);
      if (!deps.billing || !customerId) return true;
      if (subscriptionId) await deps.billing.cancelSubscription(subscriptionId);
      await deps.billing.deleteCustomer(customerId);
      return true;
    },
    limits: () => drainPartitions('limits'),
    activity: () => drainPartitions('activity'),
    objects: () => drain(() => deps.objects.deletePage(target.accountId, budget)),
    accounts: () => drain(() => records.accountsPage(target, budget)),
    // Last of the tables, though the aggregator writes nothing once the tombstone is there (its transactions check the
    // profile, P20): what it counted before the tombstone is all there is to delete.
    usage: () => drainPartitions('usage'),
    'sign-in': async () => {
      const identity = await records.identity(target);
      if (!identity) return true;
      await deps.directory.remove(identity.username);
      await records.progress(deletionId, { deleted: await records.removeIdentity(target, identity.sub, budget) });
      return true;
    },
  };

  async function drainPartitions(table: 'limits' | 'activity' | 'usage'): Promise<boolean> {
    for (const pk of records.partitions(target)[table]) if (!(await drain(() => records.sweep(table, pk, budget)))) return false;
    return true;
  }

  for (const phase of DELETION_PHASES.slice(DELETION_PHASES.indexOf(job.phase))) {
    await records.progress(deletionId, { phase });
    if (!(await phases[phase]())) return 'yielded';
  }
  await records.finish(deletionId);
  return 'done';
}
