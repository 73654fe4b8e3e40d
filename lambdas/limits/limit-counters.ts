/** The limiter's shared counters (lambdas/store/limits-counters.ts implements them on the `limits` table). */

/** One API key's requests in one minute window. */
export interface MinuteCounterRef {
  readonly accountId: string;
  readonly apiKeyId: string;
  /** Minutes since the epoch (lambdas/limits/allowance.ts). */
  readonly minute: number;
}

export interface Lease {
  /** How many requests were granted: `want`, what was left when less was, or 0. */
  readonly granted: number;
  /** The window's count after this lease (as found, when nothing was granted). */
  readonly total: number;
}

/** An account's usage in one UTC month, as its counter item holds it. */
export interface MonthTotals {
  readonly requests: number;
  readonly tokens: number;
}

export interface LimitCounters {
  /** Takes up to `want` requests of the window's allowance `limit` atomically: the count never passes `limit`. */
  leaseMinute(ref: MinuteCounterRef, want: number, limit: number): Promise<Lease>;
  /** Adds admitted requests and used tokens to the account's month (`yyyy-mm`); the totals after. */
  addToMonth(accountId: string, month: string, add: MonthTotals): Promise<MonthTotals>;
  /**
   * Adds `requests` only if the month's count stays within `limit`; `added` false (with the totals found) when it
   * would not.
   */
  addToMonthWithin(accountId: string, month: string, requests: number, limit: number): Promise<{ readonly added: boolean; readonly totals: MonthTotals }>;
}
