import { spawn, type ChildProcess } from 'node:child_process';
import { startFakeOpenAIUpstream } from '../test/fakes/openai-upstream.js';
import { chatTarget, PAIRED_C1, PAIRED_C32, runLoad, runPaired, WARM_UP, type Target } from './load.js';

/**
 * `npm run bench:peer [portkey-server-script]`: RouKey and, when its server script is given, Portkey's
 * open-source gateway, each in a process of its own (as a peer can only be run), through the same load
 * generator and fake upstream as `npm run bench`. It sets the figures for Portkey ("about 1.2 ms median,
 * 3.7 ms p99, a third of direct throughput") beside what this machine gives. Portkey is not a dependency:
 *   npm i --prefix /tmp/portkey @portkey-ai/gateway@1.15.2
 *   npm run bench:peer -- /tmp/portkey/node_modules/@portkey-ai/gateway/build/start-server.js
 * Only non-streamed calls are compared: Portkey's streaming fails on Node 20 (FIELD-NOTES.md).
 */
const portkeyScript = process.argv[2];
const PORTKEY_PORT = 18_787;

const upstream = await startFakeOpenAIUpstream({ models: ['bench-model'], recordRequests: false });
const children: ChildProcess[] = [];
try {
  const direct = chatTarget(`${upstream.baseUrl}/chat/completions`, 'Bearer sk-direct', 'bench-model');
  const peers: { name: string; target: Target }[] = [];

  const rouKey = spawn(process.execPath, ['--import', 'tsx', 'bench/gateway-process.ts', upstream.baseUrl], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(rouKey);
  const { gatewayUrl, apiKey } = await readyLine<{ gatewayUrl: string; apiKey: string }>(rouKey);
  peers.push({ name: 'RouKey', target: chatTarget(`${gatewayUrl}/v1/chat/completions`, `Bearer ${apiKey}`, 'fake/bench-model') });

  if (portkeyScript) {
    children.push(spawn(process.execPath, [portkeyScript, `--port=${PORTKEY_PORT}`, '--headless'], { stdio: 'ignore' }));
    const target = chatTarget(`http://127.0.0.1:${PORTKEY_PORT}/v1/chat/completions`, 'Bearer sk-direct', 'bench-model', {
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream.baseUrl },
    });
    await waitUntilServing(target);
    peers.push({ name: 'Portkey', target });
  }

  const ms = (n: number) => `${n.toFixed(3)} ms`;
  console.log(`\nEach gateway in its own process — node ${process.version}; medians of alternating rounds\n`);
  for (const { name, target } of peers) {
    for (const t of [direct, target]) await runLoad(t, WARM_UP);
    const c1 = await runPaired(direct, target, PAIRED_C1);
    const c32 = await runPaired(direct, target, PAIRED_C32);
    console.log(`${name}: added median ${ms(c1.addedP50)}, added p99 ${ms(c1.addedP99)} at c=1; ${(c32.rpsShare * 100).toFixed(0)}% of direct throughput at c=32 (${c32.gateway.rps.toFixed(0)} vs ${c32.direct.rps.toFixed(0)} req/s); ${c1.errors + c32.errors} failed requests`);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await upstream.close();
}

/** What `bench/gateway-process.ts` prints once it serves. */
function readyLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const line = buffered.split('\n').find((l) => l.startsWith('ready {'));
      if (line) resolve(JSON.parse(line.slice('ready '.length)) as T);
    });
    child.once('exit', (code) => reject(new Error(`the gateway process exited (${code}) before serving`)));
  });
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
