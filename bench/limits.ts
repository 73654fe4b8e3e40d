import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAccountStateReader } from '../lambdas/accounts/account-state.js';
import type { Admission, ApiKeyPrincipal, RequestGate } from '../lambdas/gateway/ports.js';
import { createRequestGate } from '../lambdas/limits/request-gate.js';
import { planCatalog } from '../lambdas/plans/catalog.js';
import { createAccountRepository } from '../lambdas/store/accounts-profiles.js';
import { createDocumentClient } from '../lambdas/store/dynamo.js';
import { createLimitCounters } from '../lambdas/store/limits-counters.js';
import type { ManagementCall } from '../test/support/e2e-setup.js';
import { percentile } from './load.js';

/** Limits far above what the bench sends, so its load is never refused (the dev account is on Enterprise). */
export const BENCH_LIMITS = { requestsPerMinutePerKey: 1_000_000, requestsPerMonth: 1_000_000_000 } as const;

/** Raises the dev account's request limits to BENCH_LIMITS through the admin API; its id. */
export async function liftRequestLimits(mgmt: ManagementCall): Promise<string> {
  const accountId: string = (await mgmt('GET', '/v1/admin/accounts')).json.data[0].id;
  const changed = await mgmt('PATCH', `/v1/admin/accounts/${accountId}`, { limits: BENCH_LIMITS });
  if (changed.status !== 200) throw new Error(`could not lift the bench's limits: ${changed.status}`);
  return accountId;
}

export interface LimitsTiming {
  /** Median time per request of the gate step with limits off (nothing checked) and on, in µs. */
  readonly offUs: number;
  readonly onUs: number;
  readonly onP99Us: number;
  /** DynamoDB calls the gate made per 1,000 admitted requests. */
  readonly callsPer1000: number;
}

const ROUNDS = 15;
const PER_ROUND = 2_000;

/**
 * What request limits add to each request: the router's gate step (`deps.gate.admit`, after authentication and
 * before routing) timed alone, with limits off (an admission that checks nothing, as before limits existed) and on
 * (the real gate: the account's cached standing, the key's minute lease and the account's month, on the runtime's
 * tables under BENCH_LIMITS), in alternating rounds. An end-to-end difference this small is below the noise of the
 * HTTP medians, so the step is measured where it runs.
 */
export async function measureLimits(endpoint: string, tables: { accounts: string; limits: string }, accountId: string): Promise<LimitsTiming> {
  const db = createDocumentClient({ region: 'us-east-1', dynamodbEndpoint: endpoint });
  let calls = 0;
  const send = db.send.bind(db);
  db.send = ((...args: unknown[]) => {
    calls++;
    return (send as (...a: unknown[]) => unknown)(...args);
  }) as DynamoDBDocumentClient['send'];
  try {
    const admitted: Admission = { requests: { limit: BENCH_LIMITS.requestsPerMinutePerKey, remaining: 1, resetAt: 0 } };
    const off: RequestGate = { admit: async () => admitted, assertActive: async () => undefined, settle: async () => undefined };
    const on = createRequestGate(createAccountStateReader(createAccountRepository(db, tables.accounts), planCatalog()), createLimitCounters(db, tables.limits));
    const caller: ApiKeyPrincipal = { accountId, apiKeyId: 'bench-limits' };
    const timed = async (gate: RequestGate): Promise<number[]> => {
      const each: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const started = process.hrtime.bigint();
        const admission = await gate.admit(caller);
        each.push(Number(process.hrtime.bigint() - started) / 1_000);
        if (admission.refused) throw new Error('the bench was refused by its own limits');
        // After the response, as the router does: the month's writes, off the request path.
        await gate.settle(caller, 20);
      }
      return each;
    };
    await timed(on); // warm: the first lease and the standing read
    const offRounds: number[] = [];
    const onRounds: number[] = [];
    const onAll: number[] = [];
    calls = 0;
    for (let r = 0; r < ROUNDS; r++) {
      offRounds.push(percentile(await timed(off), 50));
      const each = await timed(on);
      onRounds.push(percentile(each, 50));
      onAll.push(...each);
    }
    return {
      offUs: percentile(offRounds, 50),
      onUs: percentile(onRounds, 50),
      onP99Us: percentile(onAll, 99),
      callsPer1000: (calls / (ROUNDS * PER_ROUND)) * 1_000,
    };
  } finally {
    db.destroy();
  }
}
