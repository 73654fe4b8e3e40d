/** Retention windows promised in the privacy policy (P9–P12); the only place they are written. */
const DAY_SECONDS = 86_400;

export const RETENTION = {
  /** P11: error logs, and the request metadata they belong to. */
  requestMetadataDays: 90,
  errorLogDays: 90,
  securityEventDays: 90,
  /** The audit trail of management changes (its own log group); the policy names no window: one year, as is usual. */
  auditLogDays: 365,
  /** P10: aggregated usage analytics. */
  usageRollupDays: 730,
  /** The usage aggregator's per-account stream watermark: a stream keeps records 24 hours, so none older can come back. */
  streamWatermarkDays: 2,
  /** Rate-limit windows only need to outlive their window. */
  limitWindowSeconds: 600,
  /** A target's shared health (limits-health.ts): a report older than the latency's max age says nothing more. */
  targetHealthSeconds: 900,
  /** A month's usage counter outlives its month by this much, so last month's figures can still be read. */
  monthlyCounterDaysAfterMonth: 35,
  /** A replaced or deleted avatar's object (kept as a noncurrent version) and an upload never checked, then gone. */
  deletedAvatarDays: 7,
  avatarUploadDays: 1,
  /** P18: an export's file (the bucket's lifecycle) and its status item live this long. */
  exportDays: 7,
  /** An account deletion's status item (no personal data): how long `GET /v1/deletions/{id}` can tell it. */
  deletionStatusDays: 30,
  /** An admin's product update (its headline, text and progress): long enough to send it and read back how it went. */
  productUpdateDays: 30,
  /** The tables' point-in-time recovery window: a deleted item (P20) stays in these backups this long (AWS's maximum). */
  pointInTimeRecoveryDays: 35,
  /** P12: payment records. */
  ledgerDays: 7 * 365 + 2,
} as const;

/** Epoch seconds at which an item written now expires after `days`. */
export function expiresAfterDays(days: number, now = Date.now()): number {
  return Math.floor(now / 1000) + days * DAY_SECONDS;
}
