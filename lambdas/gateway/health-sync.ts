import type { TargetHealth } from '../routing/target-health.js';
import { errorName, type LogEntry } from './deps.js';
import type { SharedHealthStore } from './ports.js';

/** How long a container trusts what it read of an account's shared target health. */
export const SHARED_HEALTH_CACHE_MS = 10_000;

/**
 * Shares one container's target health with the others. Reads: one Query per account at most every
 * SHARED_HEALTH_CACHE_MS; only an account's first read is waited for, later ones refresh in the background while
 * requests use what was read before. Writes: after a response, the targets whose state changed materially
 * (TargetHealth.takeReports), never one per request. Both are best effort: a failing table leaves each container
 * with its own view, as before.
 */
export class HealthSync {
  /** When each account's health was last read, and the read in flight. */
  readonly #reads = new Map<string, { at: number; pending?: Promise<void> }>();

  constructor(
    private readonly store: SharedHealthStore,
    private readonly health: TargetHealth,
    private readonly log: (entry: LogEntry) => void,
    private readonly options: { cacheMs?: number; maxAccounts?: number; now?: () => number } = {},
  ) {}

  /** Makes sure the account's shared health is at most the cache window old (waits only on the account's first read). */
  async refresh(accountId: string): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const known = this.#reads.get(accountId);
    if (known?.pending !== undefined) return known.at === 0 ? known.pending : undefined;
    if (known && now - known.at < (this.options.cacheMs ?? SHARED_HEALTH_CACHE_MS)) return;
    const entry = { at: known?.at ?? 0, pending: undefined as Promise<void> | undefined };
    entry.pending = this.store
      .read(accountId)
      .then((reports) => this.health.learn(reports))
      .catch((err: unknown) => {
        this.log({ level: 'warn', msg: 'shared health read failed', error: errorName(err) });
      })
      .finally(() => {
        entry.at = (this.options.now ?? Date.now)();
        entry.pending = undefined;
      });
    this.#remember(accountId, entry);
    return known ? undefined : entry.pending;
  }

  /** Reports what changed materially since the last flush; call once a response has ended. */
  async flush(): Promise<void> {
    const reports = this.health.takeReports();
    if (reports.length === 0) return;
    try {
      await this.store.write(reports);
    } catch (err) {
      this.log({ level: 'warn', msg: 'shared health write failed', error: errorName(err) });
    }
  }

  #remember(accountId: string, entry: { at: number; pending?: Promise<void> }): void {
    this.#reads.delete(accountId);
    this.#reads.set(accountId, entry);
    // Insertion order: the first key is the account read least recently.
    const oldest = this.#reads.keys().next();
    if (this.#reads.size > (this.options.maxAccounts ?? 1_000) && !oldest.done) this.#reads.delete(oldest.value);
  }
}
