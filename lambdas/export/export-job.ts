import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { EXPORT_SCHEMA_ID, EXPORT_SCHEMA_VERSION, exportDocumentText, type ExportSection } from './export-document.js';
import { exportKey, type ExportFiles, type ExportStatusStore } from './ports.js';

export interface ExportJobDeps {
  readonly statuses: ExportStatusStore;
  readonly files: ExportFiles;
  /** The document's sections for one account (lambdas/store/export-reads.ts, and the audit trail's). */
  readonly sections: (accountId: string) => ExportSection[];
  readonly now?: () => number;
  /** Progress is written at most this often, never per record. */
  readonly progressIntervalMs?: number;
}

/**
 * The export job (P18): reads everything held about the account and streams it as one gzipped JSON document to
 * `exports/<accountId>/<exportId>.json.gz`, writing its status as it goes. Idempotent: an event delivered again for an
 * export that is ready does nothing; one for an export that failed or never finished writes the file again.
 */
export function createExportJob(deps: ExportJobDeps) {
  const now = deps.now ?? Date.now;
  const interval = deps.progressIntervalMs ?? 2_000;
  return {
    async run(accountId: string, exportId: string): Promise<void> {
      const state = await deps.statuses.get(accountId, exportId);
      if (!state || state.status === 'ready') return;
      if (!(await deps.statuses.update(accountId, exportId, { status: 'running', progress: 0 }))) return;
      let progress = 0;
      let written = now();
      let progressWrite: Promise<unknown> = Promise.resolve();
      const onProgress = (percent: number) => {
        progress = percent;
        if (now() - written < interval) return;
        written = now();
        // One write at a time, in order; the job waits for the last before it ends.
        progressWrite = progressWrite.then(() => deps.statuses.update(accountId, exportId, { status: 'running', progress: percent }));
      };
      const gzip = createGzip();
      try {
        const header = {
          $schema: EXPORT_SCHEMA_ID,
          schemaVersion: EXPORT_SCHEMA_VERSION,
          exportId,
          accountId,
          createdAt: new Date(now()).toISOString(),
        };
        const [{ sizeBytes }] = await Promise.all([
          deps.files.write(exportKey(accountId, exportId), gzip),
          pipeline(Readable.from(exportDocumentText(header, deps.sections(accountId), onProgress)), gzip),
        ]);
        await progressWrite;
        await deps.statuses.update(accountId, exportId, { status: 'ready', progress: 100, sizeBytes });
      } catch (err) {
        gzip.destroy();
        await progressWrite.catch(() => undefined);
        await deps.statuses.update(accountId, exportId, { status: 'failed', progress });
        throw err;
      } finally {
        await deps.statuses.release(accountId, exportId);
      }
    },
  };
}
