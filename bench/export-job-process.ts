/**
 * The export job's Lambda handler alone in this process, as in its function (bench/export.ts starts it with the
 * function's environment): prints its time and this process's peak RSS as one JSON line.
 */
import type { RouKeyEvent } from '../lambdas/events/roukey-events.js';

const [accountId, exportId] = process.argv.slice(2);
if (!accountId || !exportId) throw new Error('usage: export-job-process.ts <accountId> <exportId>');
const { handler } = await import('../lambdas/handlers/data-export.js');
const started = performance.now();
const cpuBefore = process.cpuUsage();
const event: RouKeyEvent<'export.requested'> = {
  id: 'bench',
  source: 'roukey',
  'detail-type': 'export.requested',
  time: new Date().toISOString(),
  detail: { accountId, exportId },
};
await handler(event);
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS }));
