import { randomUUID } from 'node:crypto';
import { SHARED_HEALTH_CACHE_MS } from '../../lambdas/gateway/health-sync.js';
import { addProviderKey, scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';
import { pollUntil } from '../fakes/fake-server.js';
import { startPeerGateway, type PeerGateway } from '../support/peer-gateway.js';

/**
 * Two gateway processes on one DynamoDB Local, as two Lambda containers: what one learns of a target's health, the
 * other uses within the shared item's cache window (issue 18 §3).
 */
const messages = [{ role: 'user' as const, content: 'Say hello.' }];
const FAST = { retries: 0, timeoutMs: 1_000, firstTokenTimeoutMs: 300 };
/** The breaker's default threshold: a gateway that made fewer failing calls than this has not opened its own. */
const FAILURE_THRESHOLD = 3;

let e2e: E2EContext;
let peer: PeerGateway;

beforeAll(async () => {
  e2e = await startE2E();
  peer = await startPeerGateway(e2e.local);
}, 90_000);

afterAll(async () => {
  await peer?.stop();
  await e2e?.stop();
});

/** A provider key of its own on the fake upstream; its secret tells which calls went to it. */
async function freshKey(): Promise<{ name: string; calls: () => number }> {
  const name = `k${randomUUID().slice(0, 8)}`;
  const secret = `sk-${randomUUID()}`;
  expect(await addProviderKey(e2e.mgmt, { provider: 'openai', name, apiKey: secret, baseUrl: e2e.upstream.baseUrl })).toBe(201);
  return { name, calls: () => e2e.upstream.requests.filter((r) => r.headers.authorization === `Bearer ${secret}`).length };
}

async function fallbackConfig(models: string[]): Promise<string> {
  const name = `c${randomUUID().slice(0, 8)}`;
  expect((await e2e.mgmt('POST', '/v1/configs', { name, strategy: 'fallback', targets: models.map((model) => ({ model })), reliability: FAST })).status).toBe(
    201,
  );
  return name;
}

async function post(gatewayUrl: string, config: string): Promise<{ status: number; attempts: string | null; requestId: string | null }> {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e2e.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: `roukey/${config}`, messages }),
  });
  await res.text();
  return { status: res.status, attempts: res.headers.get('x-roukey-attempts'), requestId: res.headers.get('x-roukey-request-id') };
}

/** The first attempt of a request's activity record, once it has landed. */
async function firstAttempt(requestId: string | null): Promise<{ target: string; outcome: string }> {
  const record = await pollUntil(
    async () => (await scanRuntimeTables(e2e.local)).activity.find((item) => item.requestId === requestId),
    10_000,
    `no activity record for ${requestId}`,
  );
  return (record.attempts as { target: string; outcome: string }[])[0] as { target: string; outcome: string };
}

/** Opens the target's circuit in the first gateway: three failures in a row. */
async function openCircuitInFirstGateway(config: string): Promise<void> {
  for (let i = 0; i < FAILURE_THRESHOLD; i++) expect((await post(e2e.gatewayUrl, config)).status).toBe(200);
  expect((await post(e2e.gatewayUrl, config)).attempts).toBe('1');
}

describe('provider health shared across gateway processes', () => {
  it('a gateway that never called a target skips it once another opened its circuit', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a.name}/fail-500`, `${b.name}/gpt-4o-mini`]);
    await openCircuitInFirstGateway(config);
    expect(a.calls()).toBe(FAILURE_THRESHOLD);

    const res = await post(peer.gatewayUrl, config);
    expect(res.status).toBe(200);
    expect(res.attempts).toBe('1');
    expect(await firstAttempt(res.requestId)).toMatchObject({ target: `${a.name}/fail-500`, outcome: 'skipped_circuit_open' });
    // The second gateway learned it from the shared item: it never called the failing target itself.
    expect(a.calls()).toBe(FAILURE_THRESHOLD);
  }, 60_000);

  it('a gateway with a warm cache learns of a newly opened circuit within the cache window', async () => {
    const [a, b] = [await freshKey(), await freshKey()];
    const config = await fallbackConfig([`${a.name}/fail-503`, `${b.name}/gpt-4o-mini`]);
    const healthy = await fallbackConfig([`${b.name}/gpt-4o-mini`]);
    // The second gateway reads the account's shared health now, before the circuit opens.
    expect((await post(peer.gatewayUrl, healthy)).status).toBe(200);
    const readAt = Date.now();
    await openCircuitInFirstGateway(config);
    const callsByFirst = a.calls();

    // Paced a cache window apart, so that the second gateway's own failures stay below its breaker's threshold: the
    // request that finds the cache stale renews it in the background and still goes by what was read before.
    const paceMs = SHARED_HEALTH_CACHE_MS;
    let skippedAt: number | undefined;
    while (skippedAt === undefined && Date.now() - readAt < 3 * paceMs) {
      const res = await post(peer.gatewayUrl, config);
      expect(res.status).toBe(200);
      if (res.attempts === '1') skippedAt = Date.now();
      else await new Promise((r) => setTimeout(r, paceMs));
    }
    expect(skippedAt).toBeDefined();
    expect(a.calls() - callsByFirst).toBeLessThan(FAILURE_THRESHOLD);
  }, 90_000);
});
