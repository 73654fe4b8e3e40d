/**
 * Lambda handlers that AWS services invoke with events of their own (not API Gateway routes, not Cognito
 * triggers): read by lib/jobs.ts, which wires their event sources, and by the local runtime, which feeds them.
 */
export const JOBS = {
  /**
   * The activity table's stream → usage rollups. `batchSize`: records per invocation at most, enough to sum a busy
   * minute of requests into one transaction per account.
   */
  'usage-aggregator': { source: 'activityStream', batchSize: 1_000 },
} as const satisfies Record<string, { source: 'activityStream'; batchSize: number }>;

export type JobName = keyof typeof JOBS;
