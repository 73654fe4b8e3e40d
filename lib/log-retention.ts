import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/**
 * CloudWatch only accepts a fixed set of retention periods; a window from lambdas/store/retention.ts that is not
 * one of them must fail the synth rather than be silently rounded.
 */
export function retentionDays(days: number): RetentionDays {
  const match = Object.values(RetentionDays).find((value) => value === days);
  if (match === undefined) throw new Error(`CloudWatch Logs has no ${days}-day retention period`);
  return match as RetentionDays;
}
