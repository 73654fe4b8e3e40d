import { Worker } from 'node:worker_threads';
import type { FakeUpstreamOptions } from '../test/fakes/openai-upstream.js';
import type { LoadOptions, LoadResult, Target } from './load.js';

/**
 * The fake upstream and the load generator each run on a worker thread of their own: the gateway is then
 * measured as it is deployed, alone on its thread, rather than sharing one with its client and its upstream.
 */
export type ThreadJob =
  | { readonly kind: 'fake'; readonly options: Partial<FakeUpstreamOptions> }
  | { readonly kind: 'load'; readonly target: Target; readonly options: LoadOptions };

function spawn(job: ThreadJob): Worker {
  return new Worker(new URL('./thread-bootstrap.mjs', import.meta.url), { workerData: job });
}

function firstMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** A fake OpenAI upstream on its own thread; `stop()` closes it and ends the thread. */
export async function startFakeThread(options: Partial<FakeUpstreamOptions>): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const worker = spawn({ kind: 'fake', options });
  const baseUrl = await firstMessage<string>(worker);
  return {
    baseUrl,
    stop: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}

/** One load run on its own thread. */
export function loadInThread(target: Target, options: LoadOptions): Promise<LoadResult> {
  return firstMessage<LoadResult>(spawn({ kind: 'load', target, options }));
}
