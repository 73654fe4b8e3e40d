import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { auditEntriesOf } from '../audit/audit-reader.js';
import type { ExportSection } from './export-document.js';

/** The export's `auditEvents` section, read from the audit trail's log group (kept there RETENTION.auditLogDays). */
export function auditSection(region: string, logGroup: string): (accountId: string) => ExportSection {
  const client = new CloudWatchLogsClient({ region });
  return (accountId) => ({ name: 'auditEvents', items: () => auditEntriesOf(client, logGroup, accountId) });
}
