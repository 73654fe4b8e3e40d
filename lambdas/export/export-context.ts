import { createEventPublisher } from '../events/event-publisher.js';
import { managementContext } from '../http/management-context.js';
import { runtimeConfig, type RuntimeConfig } from '../runtime-config.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createExportStatusStore } from '../store/accounts-exports.js';
import { accountExportSections } from '../store/export-reads.js';
import { createExportJob } from './export-job.js';
import { createExportService, type ExportService } from './export-service.js';
import type { ExportFiles } from './ports.js';

let service: ExportService | undefined;
let files: Promise<ExportFiles> | undefined;

/** The exports bucket, from the runtime config; the S3 SDK is imported on first use only. */
function exportFiles(config: RuntimeConfig): Promise<ExportFiles> {
  files ??= import('./s3-export-files.js').then(({ createS3ExportFiles }) => {
    if (!config.exports.bucket) throw new Error('EXPORT_BUCKET is not set');
    return createS3ExportFiles({ region: config.region, bucket: config.exports.bucket, endpoint: config.exports.endpoint });
  });
  return files;
}

/** The export API's service over the management context's table and the event bus. */
export function exportService(): ExportService {
  if (service) return service;
  const { config, db } = managementContext();
  const events = createEventPublisher();
  service = createExportService({ statuses: createExportStatusStore(db, config.tables.accounts), files: () => exportFiles(config), events: () => events });
  return service;
}

/** The export job's composition: every table of the account, the bucket, and the audit trail where one is kept. */
export async function exportJob(): Promise<ReturnType<typeof createExportJob>> {
  const config = runtimeConfig();
  const db = createDocumentClient(config);
  const audit = config.auditLogGroup;
  const readAudit = audit ? await import('./audit-export.js').then(({ auditSection }) => auditSection(config.region, audit)) : undefined;
  return createExportJob({
    statuses: createExportStatusStore(db, config.tables.accounts),
    files: await exportFiles(config),
    // Locally the audit trail goes to the terminal only: the document says so rather than listing none.
    sections: (accountId) => [
      ...accountExportSections(db, config.tables, accountId),
      readAudit ? readAudit(accountId) : { name: 'auditEvents', value: async () => 'not_kept' },
    ],
  });
}
