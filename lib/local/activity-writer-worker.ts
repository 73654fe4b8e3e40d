import { parentPort, workerData } from 'node:worker_threads';
import { activityBatchSender, type ActivityItem } from '../../lambdas/store/activity-repo.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import type { WriterRequest, WriterResponse, WriterThreadData } from './activity-writer-thread.js';

/** The local runtime's writer thread (activity-writer-thread.ts): sends the batches it is given, one client for all. */
const { region, dynamodbEndpoint } = workerData as WriterThreadData;
const client = createDocumentClient({ region, dynamodbEndpoint });
const port = parentPort!;

port.on('message', ({ id, tableName, items }: WriterRequest) => {
  activityBatchSender(client, tableName)(items).then(
    (unprocessed: ActivityItem[]) => port.postMessage({ id, unprocessed } satisfies WriterResponse),
    // The error's class name only: SDK messages can quote the request (P1).
    (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.name : typeof err } satisfies WriterResponse),
  );
});
