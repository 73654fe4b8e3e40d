import type { EventPublisher } from '../events/event-publisher.js';
import { ApiError } from '../http/errors.js';
import { newId } from '../keys/key-material.js';
import { exportKey, type ExportFiles, type ExportStatus, type ExportStatusStore } from './ports.js';

/** Export ids as newId('exp') makes them; anything else cannot exist, so it is a 404 without a read. */
export const EXPORT_ID = /^exp_[A-Za-z0-9_-]{22}$/;

export interface ExportView {
  readonly id: string;
  readonly status: ExportStatus;
  readonly progress: number;
  readonly sizeBytes: number | null;
  /** A presigned GET of the file, valid 15 minutes; null until the export is ready. */
  readonly url: string | null;
  readonly createdAt: string;
}

const REFUSALS = {
  export_in_progress: 'An export of this account is already being prepared; wait for it to finish.',
  export_daily_limit: 'This account has requested the most exports allowed in one day; try again tomorrow (UTC).',
} as const;

/** `POST /v1/me/export` and `GET /v1/me/exports/{id}` (P18): the job itself is lambdas/export/export-job.ts. */
export function createExportService(deps: { statuses: ExportStatusStore; files: () => Promise<ExportFiles>; events: () => EventPublisher }) {
  return {
    async request(accountId: string): Promise<{ exportId: string }> {
      const exportId = newId('exp');
      const refusal = await deps.statuses.start(accountId, exportId);
      if (refusal) throw new ApiError('rate_limited', REFUSALS[refusal], { code: refusal });
      try {
        await deps.events().publish('export.requested', { accountId, exportId });
      } catch (err) {
        // No job will run: the export has failed, and the account's slot is free again.
        await deps.statuses.update(accountId, exportId, { status: 'failed', progress: 0 });
        await deps.statuses.release(accountId, exportId);
        throw err;
      }
      return { exportId };
    },

    async status(accountId: string, exportId: string): Promise<ExportView> {
      // Another account's id finds nothing under this account: the same 404 as an id that never existed.
      const state = EXPORT_ID.test(exportId) ? await deps.statuses.get(accountId, exportId) : undefined;
      if (!state) throw new ApiError('not_found', 'No such export.', { param: 'id' });
      const ready = state.status === 'ready';
      return {
        id: exportId,
        status: state.status,
        progress: state.progress,
        sizeBytes: state.sizeBytes ?? null,
        url: ready ? await (await deps.files()).downloadUrl(exportKey(accountId, exportId), `roukey-export-${exportId}.json.gz`) : null,
        createdAt: state.createdAt,
      };
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
