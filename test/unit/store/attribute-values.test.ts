import { marshall } from '@aws-sdk/util-dynamodb';
import { toAttributeMap } from '../../../lambdas/store/attribute-values.js';

const record = {
  pk: 'ACCOUNT#acc_1',
  sk: 'REQ#2026-11-26T04:59:59.500Z#req-0001',
  kind: 'request',
  latencyMs: 500,
  costUsd: 0.000125,
  stream: false,
  usageEstimated: true,
  ttftMs: undefined,
  attempts: [
    { target: 'fake/gpt-4o-mini', provider: 'openai', status: 429, latencyMs: 12, outcome: 'http_error' },
    { target: 'backup/gpt-4o-mini', provider: undefined, latencyMs: 0, outcome: 'skipped_cooldown' },
  ],
  expiresAt: 1_803_469_993,
};

describe('toAttributeMap', () => {
  it('encodes a metadata record exactly as the document client marshalls it, unset fields left out', () => {
    expect(toAttributeMap(record)).toEqual(marshall(record, { removeUndefinedValues: true }));
    expect(toAttributeMap(record)).not.toHaveProperty('ttftMs');
  });

  it('refuses values DynamoDB cannot hold as numbers, and anything but plain values', () => {
    expect(() => toAttributeMap({ latencyMs: Number.NaN })).toThrow(TypeError);
    expect(() => toAttributeMap({ costUsd: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => toAttributeMap({ at: new Date() as never })).toThrow(TypeError);
    expect(() => toAttributeMap({ nothing: null as never })).toThrow(TypeError);
  });
});
