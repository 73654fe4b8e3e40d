import { TtlCache } from '../cache/ttl-cache.js';
import { monthOf } from '../store/limits-items.js';
import { MONTH_SLICE, monthEndsAt, sliceSize, type RequestLimitName } from './allowance.js';
import type { LimitCounters, MonthTotals } from './limit-counters.js';

export interface MonthLimits {
  readonly requestsPerMonth: number;
  readonly tokensPerMonth: number | null;
}

export type MonthVerdict = { readonly admitted: true } | { readonly admitted: false; readonly limit: RequestLimitName; readonly retryAt: number };

/** One account's current month in this container. */
interface AccountMonth {
  readonly accountId: string;
  readonly month: string;
  /** The counter's totals at this container's last write. */
  totals: MonthTotals;
  /** Admitted here (and tokens reported here) and not written yet. */
  unsyncedRequests: number;
  unsyncedTokens: number;
  /** Admitted here and being written now (unconditionally, by a settle): still unseen by the totals. */
  writingRequests: number;
  /** When `totals` were last read back (epoch ms); 0 before the first write. */
  syncedAt: number;
  failOpenUntil: number;
  syncing?: Promise<void>;
}

export interface MonthQuotasOptions {
  readonly now?: () => number;
  /** After a quiet spell longer than this, a request first reads the month back (one round trip). */
  readonly maxViewAgeMs?: number;
  /** After a response, what was admitted and used is written at most this often per account and container. */
  readonly settleIntervalMs?: number;
  readonly recheckMs?: number;
  readonly maxAccounts?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Per-account requests and tokens per calendar month, on the month's counter item (lambdas/store/limits-items.ts:
 * `requests` counts admitted requests, `tokens` the tokens they reported). A container admits up to `sliceSize`
 * requests the table has not seen yet and writes them after a response (at most every `settleIntervalMs`), so the
 * request path pays no round trip; within one share of the limit it switches to a conditional write per request,
 * so small quotas are exact. Requests past the quota are refused from memory until the month ends or the quota grows.
 */
export class MonthQuotas {
  readonly #counters: LimitCounters;
  readonly #now: () => number;
  readonly #maxViewAgeMs: number;
  readonly #settleIntervalMs: number;
  readonly #recheckMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #months: TtlCache<string, AccountMonth>;
  /** Views of months that have ended with writes still owed, paid at the next settle. */
  readonly #ended: AccountMonth[] = [];

  constructor(counters: LimitCounters, options: MonthQuotasOptions = {}) {
    this.#counters = counters;
    this.#now = options.now ?? Date.now;
    this.#maxViewAgeMs = options.maxViewAgeMs ?? 60_000;
    this.#settleIntervalMs = options.settleIntervalMs ?? 1_000;
    this.#recheckMs = options.recheckMs ?? 1_000;
    this.#onError = options.onError ?? (() => undefined);
    this.#months = new TtlCache({ maxEntries: options.maxAccounts ?? 10_000, now: this.#now });
  }

  /** Admits one request against the account's month, or refuses it naming the limit. */
  async admit(accountId: string, limits: MonthLimits): Promise<MonthVerdict> {
    for (;;) {
      const now = this.#now();
      const view = this.#view(accountId, now);
      if (now < view.failOpenUntil) {
        view.unsyncedRequests++;
        return { admitted: true };
      }
      if (view.syncedAt === 0 || now - view.syncedAt > this.#maxViewAgeMs) {
        if (!(await this.#sync(view))) continue;
      }
      const refusedBy = exhausted(view, limits);
      if (refusedBy) return { admitted: false, limit: refusedBy, retryAt: monthEndsAt(now) };
      const limit = limits.requestsPerMonth;
      const slice = sliceSize(limit, MONTH_SLICE);
      const ahead = view.unsyncedRequests + view.writingRequests;
      // A quota too small for a share, or its last share: one conditional write per request, so none is passed.
      if (slice === 1 || limit - view.totals.requests - ahead <= slice) return this.#admitExactly(view, limit);
      if (ahead >= slice) {
        await this.#sync(view);
        continue;
      }
      view.unsyncedRequests++;
      return { admitted: true };
    }
  }

  /** After a response: the tokens it used; writes what is owed when the last write is old enough. Never throws. */
  async settle(accountId: string, tokens: number): Promise<void> {
    const now = this.#now();
    const view = this.#view(accountId, now);
    view.unsyncedTokens += tokens;
    const due = [...this.#ended.splice(0), ...(now - view.syncedAt >= this.#settleIntervalMs ? [view] : [])];
    await Promise.all(due.filter((v) => v.unsyncedRequests > 0 || v.unsyncedTokens > 0).map((v) => this.#sync(v)));
  }

  #view(accountId: string, now: number): AccountMonth {
    const month = monthOf(now);
    const current = this.#months.get(accountId);
    if (current?.month === month) return current;
    if (current && (current.unsyncedRequests > 0 || current.unsyncedTokens > 0)) this.#ended.push(current);
    const fresh: AccountMonth = {
      accountId,
      month,
      totals: { requests: 0, tokens: 0 },
      unsyncedRequests: 0,
      unsyncedTokens: 0,
      writingRequests: 0,
      syncedAt: 0,
      failOpenUntil: 0,
    };
    this.#months.set(accountId, fresh, monthEndsAt(now) - now);
    return fresh;
  }

  /** Writes what this container owes the month and reads the totals back; false when the table failed (then fails open). */
  async #sync(view: AccountMonth): Promise<boolean> {
    view.syncing ??= this.#write(view).finally(() => {
      view.syncing = undefined;
    });
    await view.syncing;
    return view.failOpenUntil <= this.#now();
  }

  async #write(view: AccountMonth): Promise<void> {
    // Taken out before the write, so a concurrent exact admission does not write them too.
    const requests = view.unsyncedRequests;
    const tokens = view.unsyncedTokens;
    view.unsyncedRequests -= requests;
    view.unsyncedTokens -= tokens;
    view.writingRequests += requests;
    try {
      view.totals = await this.#counters.addToMonth(view.accountId, view.month, { requests, tokens });
      view.syncedAt = this.#now();
    } catch (err) {
      view.unsyncedRequests += requests;
      view.unsyncedTokens += tokens;
      view.failOpenUntil = this.#now() + this.#recheckMs;
      this.#onError(err);
    } finally {
      view.writingRequests -= requests;
    }
  }

  /** Near the quota: this request and what is owed, written only if the month stays within it. */
  async #admitExactly(view: AccountMonth, limit: number): Promise<MonthVerdict> {
    const owed = view.unsyncedRequests;
    view.unsyncedRequests -= owed;
    try {
      // Room is left for what this container's unconditional write under way still carries.
      const { added, totals } = await this.#counters.addToMonthWithin(view.accountId, view.month, owed + 1, limit - view.writingRequests);
      view.totals = totals;
      view.syncedAt = this.#now();
      if (added) return { admitted: true };
      // Nothing was written: what is owed stays owed (the next settle writes it), and this request is refused.
      view.unsyncedRequests += owed;
      return { admitted: false, limit: 'requestsPerMonth', retryAt: monthEndsAt(this.#now()) };
    } catch (err) {
      view.unsyncedRequests += owed + 1;
      view.failOpenUntil = this.#now() + this.#recheckMs;
      this.#onError(err);
      return { admitted: true };
    }
  }
}

/** The month limit already used up, as far as this container knows. */
function exhausted(view: AccountMonth, limits: MonthLimits): RequestLimitName | undefined {
  if (limits.tokensPerMonth !== null && view.totals.tokens + view.unsyncedTokens >= limits.tokensPerMonth) return 'tokensPerMonth';
  if (view.totals.requests + view.unsyncedRequests + view.writingRequests >= limits.requestsPerMonth) return 'requestsPerMonth';
  return undefined;
}
