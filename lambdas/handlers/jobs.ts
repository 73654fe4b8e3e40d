/**
 * Lambda handlers that AWS services invoke with events of their own (not API Gateway routes, not Cognito
 * triggers): read by lib/jobs.ts, which wires their event sources, and by the local runtime, which feeds them.
 */
export const JOBS = {
  /** The activity table's stream → usage rollups. */
  'usage-aggregator': { source: 'activityStream' },
} as const satisfies Record<string, { source: string }>;

export type JobName = keyof typeof JOBS;
