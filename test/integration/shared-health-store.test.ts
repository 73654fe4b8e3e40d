import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { loadRuntimeConfig, type RuntimeConfig } from '../../lambdas/runtime-config.js';
import { createDocumentClient } from '../../lambdas/store/dynamo.js';
import { createSharedHealthStore } from '../../lambdas/store/limits-health.js';
import { ITEM } from '../../lambdas/store/limits-items.js';
import { createTestTables } from '../support/tables.js';

let runtime: RuntimeConfig;

beforeAll(async () => {
  await createTestTables();
  runtime = loadRuntimeConfig({ ...process.env, LOCAL_KEYRING_FILE: '/unused' });
});

const base = { consecutiveFailures: 0, errorRate: 0, sampledAt: 1 };

describe('shared target health on the limits table', () => {
  it("reads back an account's reports, one item per target, keeping what a later report does not name", async () => {
    const db = createDocumentClient(runtime);
    const store = createSharedHealthStore(db, runtime.tables.limits);
    const acc = randomUUID();
    const until = Date.now() + 30_000;
    await store.write([
      { ...base, key: `${acc}/openai/gpt-4o`, consecutiveFailures: 3, errorRate: 0.3, circuitOpenUntil: until },
      { ...base, key: `${acc}/or/meta/llama-3`, cooldownUntil: until, ttftMs: 420 },
      { ...base, key: `${randomUUID()}/openai/gpt-4o`, circuitOpenUntil: until },
    ]);
    // Another container's report of a target that answered: it must not erase the open circuit.
    await store.write([{ ...base, key: `${acc}/openai/gpt-4o`, ttftMs: 300, sampledAt: 2 }]);
    const read = [...(await store.read(acc))].sort((a, b) => a.key.localeCompare(b.key));
    expect(read).toEqual([
      { key: `${acc}/openai/gpt-4o`, consecutiveFailures: 0, errorRate: 0, cooldownUntil: 0, circuitOpenUntil: until, ttftMs: 300, sampledAt: 2 },
      { key: `${acc}/or/meta/llama-3`, consecutiveFailures: 0, errorRate: 0, cooldownUntil: until, circuitOpenUntil: 0, ttftMs: 420, sampledAt: 1 },
    ]);
  });

  it('items expire with the TTL window, and an expired one is not read', async () => {
    const db = createDocumentClient(runtime);
    const acc = randomUUID();
    const t = Date.now();
    await createSharedHealthStore(db, runtime.tables.limits, { now: () => t }).write([{ ...base, key: `${acc}/k/m` }]);
    const item = await db.send(new GetCommand({ TableName: runtime.tables.limits, Key: ITEM.targetHealth(acc, 'k/m') }));
    // 15 minutes: a report older than the latency's ten-minute max age says nothing more.
    expect(item.Item?.expiresAt).toBe(Math.floor(t / 1000) + 15 * 60);
    const later = createSharedHealthStore(db, runtime.tables.limits, { now: () => t + 15 * 60_000 + 1_000 });
    expect(await later.read(acc)).toEqual([]);
  });
});
