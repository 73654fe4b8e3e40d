import { Worker } from 'node:worker_threads';
import type { ActivityWriter } from '../../lambdas/store/activity-repo.js';

export type ActivityFields = Parameters<ActivityWriter['recordRequest']>[0];

export interface WriterThreadData {
  readonly region: string;
  readonly dynamodbEndpoint: string;
  /** How long the thread gathers records into one BatchWriteItem (lambdas/store/write-batcher.ts). */
  readonly batchWindowMs: number;
}
/** The records gathered for a table over the post window, or a request to flush. */
export type WriterRequest =
  | { readonly id: number; readonly tableName: string; readonly records: ActivityFields[] }
  | { readonly id: number; readonly flush: true };
/** Per record of the request, in order: undefined once stored, else the error's class name. */
export interface WriterResponse {
  readonly id: number;
  readonly errors: (string | undefined)[];
}

export interface ActivityWriterThread {
  /** What records the router's requests to `tableName` (handed to the router as its `activity`). */
  writer(tableName: string): ActivityWriter;
  /** Writes every record handed over so far; resolves once they are stored. */
  flush(): Promise<void>;
  /** Writes what the thread still holds, then ends it; records sent after that fail. */
  stop(): Promise<void>;
}

/**
 * How long records gather before they cross to the thread. Each message wakes the thread through a syscall (about
 * 20 µs of the serving thread's CPU, measured with perf at one request at a time); the thread's own batch window
 * (`batchWindowMs`) is longer, so when a record is stored hardly changes.
 */
const POST_WINDOW_MS = 5;

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * The local runtime serves every request in one process, so a thread of its own records their metadata: the
 * P3 schema check, the encoding and the AWS SDK's calls (1–2 ms of CPU per BatchWriteItem) took about a tenth of
 * the serving thread's CPU. The thread runs the router's own repository (lambdas/store/activity-repo.ts); in AWS
 * each container runs it after its own response, on no other request's time. Records go over together, a
 * message every few milliseconds, not one each.
 */
export function startActivityWriterThread(data: WriterThreadData): ActivityWriterThread {
  // No inherited execArgv: the entry registers tsx itself (a second registration from `npm start`'s flags is not wanted).
  const worker = new Worker(new URL('./activity-writer-entry.mjs', import.meta.url), { workerData: data, execArgv: [] });
  // An idle writer must not keep the process alive; one with records in flight must (ref while any is waiting).
  worker.unref();
  const waiting = new Map<number, Waiting[]>();
  const queued = new Map<string, { records: ActivityFields[]; waiting: Waiting[] }>();
  let posting: NodeJS.Timeout | undefined;
  let nextId = 0;
  let ended: Error | undefined;

  const post = (request: WriterRequest, forRequest: Waiting[]) => {
    if (waiting.size === 0) worker.ref();
    waiting.set(request.id, forRequest);
    worker.postMessage(request);
  };
  const postQueued = () => {
    clearTimeout(posting);
    posting = undefined;
    for (const [tableName, batch] of queued) post({ id: ++nextId, tableName, records: batch.records }, batch.waiting);
    queued.clear();
  };
  const settle = (id: number) => {
    const pending = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    return pending ?? [];
  };
  const failAll = (err: Error) => {
    ended = err;
    for (const batch of queued.values()) batch.waiting.forEach((w) => w.reject(err));
    queued.clear();
    for (const id of [...waiting.keys()]) settle(id).forEach((w) => w.reject(err));
  };
  worker.on('message', ({ id, errors }: WriterResponse) => {
    settle(id).forEach((w, i) => {
      const name = errors[i];
      if (name === undefined) w.resolve();
      else w.reject(Object.assign(new Error('activity write failed'), { name }));
    });
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', () => failAll(ended ?? new Error('the activity writer thread has stopped')));

  const flush = async () => {
    if (ended) return;
    postQueued();
    await new Promise<void>((resolve) => post({ id: ++nextId, flush: true }, [{ resolve, reject: () => resolve() }]));
  };

  return {
    writer: (tableName) => ({
      recordRequest: (record) =>
        new Promise((resolve, reject) => {
          if (ended) return reject(ended);
          let batch = queued.get(tableName);
          if (!batch) queued.set(tableName, (batch = { records: [], waiting: [] }));
          batch.records.push(record);
          batch.waiting.push({ resolve, reject });
          posting ??= setTimeout(postQueued, POST_WINDOW_MS);
        }),
    }),
    flush,
    stop: async () => {
      await flush();
      await worker.terminate();
    },
  };
}
