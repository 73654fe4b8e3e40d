import { parentPort, workerData } from 'node:worker_threads';
import { createActivityRepo, type ActivityWriter } from '../../lambdas/store/activity-repo.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { flushWriteBatchers } from '../../lambdas/store/write-batcher.js';
import type { WriterRequest, WriterResponse, WriterThreadData } from './activity-writer-thread.js';

/** The local runtime's writer thread (activity-writer-thread.ts): the router's activity repository, one client for all. */
const { region, dynamodbEndpoint, batchWindowMs } = workerData as WriterThreadData;
const client = createDocumentClient({ region, dynamodbEndpoint });
const repos = new Map<string, ActivityWriter>();
const port = parentPort!;

port.on('message', (request: WriterRequest) => {
  if ('flush' in request) {
    void flushWriteBatchers().then(() => port.postMessage({ id: request.id, errors: [] } satisfies WriterResponse));
    return;
  }
  let repo = repos.get(request.tableName);
  if (!repo) repos.set(request.tableName, (repo = createActivityRepo(client, request.tableName, { batchWindowMs })));
  const outcomes = request.records.map((record) =>
    repo.recordRequest(record).then(
      () => undefined,
      // The error's class name only: schema and SDK messages can quote what was sent (P1).
      (err: unknown) => (err instanceof Error ? err.name : typeof err),
    ),
  );
  void Promise.all(outcomes).then((errors) => port.postMessage({ id: request.id, errors } satisfies WriterResponse));
});
