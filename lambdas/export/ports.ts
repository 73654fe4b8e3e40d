import type { Readable } from 'node:stream';

/** P18's limits on exports: one in flight per account, a few a day. */
export const EXPORT_LIMITS = {
  perDay: 5,
  /**
   * How long a job may hold the account's one export: beyond the job's timeout and its retries (lib/events.ts), so
   * only a job that is gone for good is passed over.
   */
  staleAfterSeconds: 3_600,
  /** The download link's lifetime. */
  linkSeconds: 15 * 60,
} as const;

export const EXPORT_STATUSES = ['queued', 'running', 'ready', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Why a new export is refused (429): one is already in flight, or the day's are used up. */
export type ExportRefusal = 'export_in_progress' | 'export_daily_limit';

export interface ExportState {
  readonly exportId: string;
  readonly status: ExportStatus;
  /** 0–100. */
  readonly progress: number;
  /** The gzipped file's size, once ready. */
  readonly sizeBytes?: number;
  readonly createdAt: string;
}

/** The exports' status items (lambdas/store/accounts-exports.ts). */
export interface ExportStatusStore {
  /** Records a queued export and takes the account's one export slot; a refusal when either limit is reached. */
  start(accountId: string, exportId: string): Promise<ExportRefusal | undefined>;
  /** Undefined for an id the account does not have (or whose file has expired). */
  get(accountId: string, exportId: string): Promise<ExportState | undefined>;
  /** False when the export is gone or already ready (a retried event finds nothing to do). */
  update(accountId: string, exportId: string, change: { status: ExportStatus; progress: number; sizeBytes?: number }): Promise<boolean>;
  /** Frees the account's export slot, if this export still holds it. */
  release(accountId: string, exportId: string): Promise<void>;
}

/** Where export files go: `exports/<accountId>/<exportId>.json.gz` (the account's deletion removes the prefix). */
export interface ExportFiles {
  /** Streams `body` to the file (a multipart upload: never the whole file in memory); resolves with its size. */
  write(key: string, body: Readable): Promise<{ sizeBytes: number }>;
  /** A presigned GET for the file, valid EXPORT_LIMITS.linkSeconds. */
  downloadUrl(key: string, fileName: string): Promise<string>;
}

export const EXPORTS_PREFIX = 'exports/';

export function exportKey(accountId: string, exportId: string): string {
  return `${EXPORTS_PREFIX}${accountId}/${exportId}.json.gz`;
}
