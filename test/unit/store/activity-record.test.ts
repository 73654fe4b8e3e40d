import { requestActivitySchema } from '../../../lambdas/store/activity-record.js';

const record = {
  kind: 'request',
  accountId: 'acc_1',
  requestId: 'c0ffee00-0000-4000-8000-000000000001',
  apiKeyId: 'ak_1',
  startedAt: '2026-11-26T05:00:00.000Z',
  latencyMs: 12,
  ttftMs: 5,
  status: 200,
  stream: true,
  provider: 'openai',
  providerKeyId: 'pk_1',
  model: 'gpt-4o-mini',
  promptTokens: 1,
  completionTokens: 2,
  totalTokens: 3,
  cachedTokens: 0,
  finishReason: 'stop',
  expiresAt: 1_800_000_000,
};

describe('request activity record schema', () => {
  it('accepts a full metadata record', () => {
    expect(requestActivitySchema.parse(record)).toEqual(record);
  });

  it.each(['prompt', 'messages', 'content', 'completion', 'error', 'ip', 'userAgent'])('P3: rejects an extra field "%s"', (field) => {
    expect(requestActivitySchema.safeParse({ ...record, [field]: 'CANARY text' }).success).toBe(false);
  });

  it('P3: rejects free-form text in its string fields', () => {
    expect(requestActivitySchema.safeParse({ ...record, model: 'tell me a secret story' }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, errorType: 'The upstream said: CANARY' }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, finishReason: 'because I said so' }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, requestId: 'a b c' }).success).toBe(false);
  });

  it('P3: takes a cost estimate and an estimated-usage flag, as a number and a boolean only', () => {
    const priced = { ...record, costUsd: 0.00125, usageEstimated: true };
    expect(requestActivitySchema.parse(priced)).toEqual(priced);
    expect(requestActivitySchema.parse({ ...record, costUsd: 0 }).costUsd).toBe(0);
    expect(requestActivitySchema.safeParse({ ...record, costUsd: -0.01 }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, costUsd: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, costUsd: '0.01 USD' }).success).toBe(false);
    expect(requestActivitySchema.safeParse({ ...record, usageEstimated: 'estimated by CANARY' }).success).toBe(false);
  });
});
