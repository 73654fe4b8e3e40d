/** An account's usage this calendar month (UTC), as the limiter counts it (lambdas/store/limits-items.ts). */
export interface MonthlyUsageReader {
  requestsThisMonth(accountId: string): Promise<number>;
  /** The month (`yyyy-mm`), its admitted requests and the tokens they reported. */
  usageThisMonth(accountId: string): Promise<MonthlyUsage>;
}

export interface MonthlyUsage {
  readonly month: string;
  readonly requests: number;
  readonly tokens: number;
}
