import { parentPort, workerData } from 'node:worker_threads';
import { startFakeOpenAIUpstream } from '../test/fakes/openai-upstream.js';
import { runLoad } from './load.js';
import type { ThreadJob } from './threads.js';

// One benchmark role per thread, so the gateway's thread runs nothing but the gateway.
const job = workerData as ThreadJob;
const port = parentPort!;
if (job.kind === 'fake') {
  const fake = await startFakeOpenAIUpstream(job.options);
  port.once('message', () => void fake.close().then(() => port.close()));
  port.postMessage(fake.baseUrl);
} else {
  port.postMessage(await runLoad(job.target, job.options));
  port.close();
}
