import { Worker } from 'node:worker_threads';
import type { ActivityBatchSend, ActivityItem } from '../../lambdas/store/activity-repo.js';

export interface WriterThreadData {
  readonly region: string;
  readonly dynamodbEndpoint: string;
}
export interface WriterRequest {
  readonly id: number;
  readonly tableName: string;
  readonly items: ActivityItem[];
}
export type WriterResponse = { readonly id: number; readonly unprocessed: ActivityItem[] } | { readonly id: number; readonly error: string };

export interface ActivityWriterThread {
  /** The batch sender for `tableName`, for `sendActivityBatchesWith`. */
  sender(tableName: string): ActivityBatchSend;
  /** Ends the thread; batches still in flight fail (flush the batchers first). */
  stop(): Promise<void>;
}

/**
 * The local runtime serves every request in one process, so its metadata batches are sent from a thread of
 * their own: the AWS SDK spends 1–2 ms of CPU on each BatchWriteItem, and on the serving thread that landed on
 * whichever request was in flight (one in 25 at concurrency 1). In AWS each container writes its one item after
 * its own response, on no other request's time. The thread runs from source, like the rest of the local runtime.
 */
export function startActivityWriterThread(data: WriterThreadData): ActivityWriterThread {
  // No inherited execArgv: the entry registers tsx itself (a second registration from `npm start`'s flags is not wanted).
  const worker = new Worker(new URL('./activity-writer-entry.mjs', import.meta.url), { workerData: data, execArgv: [] });
  // An idle writer must not keep the process alive; one with batches in flight must (ref while any is waiting).
  worker.unref();
  const waiting = new Map<number, { resolve: (unprocessed: ActivityItem[]) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  let ended: Error | undefined;
  const failAll = (err: Error) => {
    ended = err;
    for (const [id, { reject }] of waiting) {
      settle(id);
      reject(err);
    }
  };
  const settle = (id: number) => {
    const pending = waiting.get(id);
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    return pending;
  };
  worker.on('message', (response: WriterResponse) => {
    const pending = settle(response.id);
    if (!pending) return;
    if ('error' in response) pending.reject(Object.assign(new Error('activity batch write failed'), { name: response.error }));
    else pending.resolve(response.unprocessed);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', () => failAll(ended ?? new Error('the activity writer thread has stopped')));

  return {
    sender: (tableName) => (items) =>
      new Promise((resolve, reject) => {
        if (ended) return reject(ended);
        const id = ++nextId;
        if (waiting.size === 0) worker.ref();
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, tableName, items } satisfies WriterRequest);
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
