import { randomUUID } from 'node:crypto';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-cloudwatch-logs';
import { auditLine, type AuditEntry, type AuditTrail } from './audit-trail.js';

/**
 * The audit trail in its own log group, through the CloudWatch Logs API: each container writes to a stream of its
 * own (made on first use), one PutLogEvents call per request that changed something, before the Lambda returns.
 * A failed write is reported to `onError` and never fails the change itself, which has happened by then.
 */
export function cloudWatchAuditTrail(options: {
  client: Pick<CloudWatchLogsClient, 'send'>;
  logGroup: string;
  /** @default `<function name>/<uuid>` */
  stream?: string;
  onError: (err: unknown) => void;
}): AuditTrail {
  const stream = options.stream ?? `${process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'roukey'}/${randomUUID()}`;
  let created: Promise<void> | undefined;
  let pending: AuditEntry[] = [];
  const ensureStream = () =>
    (created ??= options.client.send(new CreateLogStreamCommand({ logGroupName: options.logGroup, logStreamName: stream })).then(
      () => undefined,
      (err: unknown) => {
        if (err instanceof ResourceAlreadyExistsException) return;
        created = undefined;
        throw err;
      },
    ));
  return {
    record: (entry) => void pending.push(entry),
    async flush() {
      if (pending.length === 0) return;
      const entries = pending;
      pending = [];
      try {
        const logEvents = entries.map((entry) => ({ timestamp: Date.parse(entry.at), message: auditLine(entry) }));
        await ensureStream();
        await options.client.send(new PutLogEventsCommand({ logGroupName: options.logGroup, logStreamName: stream, logEvents }));
      } catch (err) {
        options.onError(err);
      }
    },
  };
}

/** The audit trail locally: the same JSON lines on stdout. */
export function stdoutAuditTrail(write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`)): AuditTrail {
  return {
    record: (entry) => write(auditLine(entry)),
    flush: async () => {},
  };
}

export function createAuditTrail(config: { region: string; auditLogGroup?: string }, onError: (err: unknown) => void): AuditTrail {
  if (!config.auditLogGroup) return stdoutAuditTrail();
  return cloudWatchAuditTrail({ client: new CloudWatchLogsClient({ region: config.region }), logGroup: config.auditLogGroup, onError });
}
