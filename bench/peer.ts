import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startDynamoDbLocal } from '../lib/local/dynamodb-local.js';
import { startFakeOpenAIUpstream } from '../test/fakes/openai-upstream.js';
import { readyLine } from '../test/support/peer-gateway.js';
import { chatTarget, PAIRED_C1, PAIRED_C32, ROUND_WARM_UP, runLoad, runPaired, WARM_UP, type Target } from './load.js';
import { startRemoteDynamoDb } from './remote-dynamodb.js';

/**
 * `npm run bench:peer [portkey-server-script]`: RouKey and, when its server script is given, Portkey's
 * open-source gateway, each in a process of its own (as a peer can only be run), through the same load
 * generator and fake upstream as `npm run bench`. It sets the figures for Portkey ("about 1.2 ms median,
 * 3.7 ms p99, a third of direct throughput") beside what this machine gives. Portkey is not a dependency:
 *   npm i --prefix /tmp/portkey @portkey-ai/gateway@1.15.2
 *   npm run bench:peer -- /tmp/portkey/node_modules/@portkey-ai/gateway/build/start-server.js
 * Only non-streamed calls are compared: Portkey's streaming fails on Node 20 (FIELD-NOTES.md). RouKey's request
 * metadata goes to the remote-DynamoDB stand-in, as in AWS: Portkey stores nothing, and DynamoDB Local's JVM
 * storing every record would spend more CPU on these two cores than the gateway does.
 */
const portkeyScript = process.argv[2];
const PORTKEY_PORT = 18_787;
/** The young-generation size this script runs with (package.json), given to each gateway process alike. */
const GATEWAY_NODE_FLAGS = process.execArgv.filter((flag) => flag.startsWith('--max-semi-space-size'));

const dynamo = await startDynamoDbLocal();
const remote = await startRemoteDynamoDb(dynamo.endpoint);
const upstream = await startFakeOpenAIUpstream({ models: ['bench-model'], recordRequests: false });
const children: ChildProcess[] = [];
try {
  const direct = chatTarget(`${upstream.baseUrl}/chat/completions`, 'Bearer sk-direct', 'bench-model');
  const peers: { name: string; target: Target; process: ChildProcess }[] = [];

  const rouKey = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, '--import', 'tsx', 'bench/gateway-process.ts', upstream.baseUrl], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, DYNAMODB_ENDPOINT: remote.endpoint },
  });
  children.push(rouKey);
  const { gatewayUrl, apiKey, activityTable } = await readyLine<{ gatewayUrl: string; apiKey: string; activityTable: string }>(rouKey);
  await remote.absorbWritesTo(activityTable);
  peers.push({ name: 'RouKey', target: chatTarget(`${gatewayUrl}/v1/chat/completions`, `Bearer ${apiKey}`, 'fake/bench-model'), process: rouKey });

  if (portkeyScript) {
    const portkey = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, portkeyScript, `--port=${PORTKEY_PORT}`, '--headless'], { stdio: 'ignore' });
    children.push(portkey);
    const target = chatTarget(`http://127.0.0.1:${PORTKEY_PORT}/v1/chat/completions`, 'Bearer sk-direct', 'bench-model', {
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream.baseUrl },
    });
    await waitUntilServing(target);
    peers.push({ name: 'Portkey', target, process: portkey });
  }

  const ms = (n: number) => `${n.toFixed(3)} ms`;
  console.log(`\nEach gateway in its own process — node ${process.version}; medians of alternating rounds\n`);
  for (const { name, target, process: gateway } of peers) {
    for (const t of [direct, target]) await runLoad(t, WARM_UP);
    const c1 = await runPaired(direct, target, PAIRED_C1);
    const before = cpuMicros(gateway);
    const c32 = await runPaired(direct, target, PAIRED_C32);
    // Every gateway-side request of the c=32 rounds: their warm-ups and measured runs.
    const cpuPerRequest = (cpuMicros(gateway) - before) / (PAIRED_C32.rounds * (PAIRED_C32.total + ROUND_WARM_UP));
    console.log(
      `${name}: added median ${ms(c1.addedP50)}, added p99 ${ms(c1.addedP99)} at c=1; ${(c32.rpsShare * 100).toFixed(0)}% of direct throughput at c=32 ` +
        `(${c32.gateway.rps.toFixed(0)} vs ${c32.direct.rps.toFixed(0)} req/s), ${cpuPerRequest.toFixed(0)} µs of the gateway process's CPU per request; ${c1.errors + c32.errors} failed requests`,
    );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await upstream.close();
  await remote.close();
  await dynamo.stop();
}

/** A child process's CPU time (user + system) so far, in µs, from Linux's /proc at its 10 ms resolution. */
function cpuMicros(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function waitUntilServing(target: Target): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await runLoad(target, { concurrency: 1, total: 1, warmup: 0 }).catch(() => undefined);
    if (result && result.errors === 0 && result.latencies.length === 1) return;
    if (Date.now() > deadline) throw new Error('the peer gateway did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}
