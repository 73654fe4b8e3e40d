/** An account's usage this calendar month (UTC), as the limiter counts it (lambdas/store/limits-items.ts). */
export interface MonthlyUsageReader {
  requestsThisMonth(accountId: string): Promise<number>;
}
