import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toAttributeMap } from '../../lambdas/store/attribute-values.js';
import type { RequestActivity } from '../../lambdas/store/activity-record.js';

/** A request record as the router writes it (what the activity table's stream then carries). */
export function requestRecord(overrides: Partial<RequestActivity> = {}): RequestActivity {
  return {
    kind: 'request',
    accountId: 'acc_1',
    requestId: 'req-1',
    apiKeyId: 'ak_1',
    startedAt: '2026-11-26T04:10:00.000Z',
    latencyMs: 400,
    ttftMs: 100,
    status: 200,
    stream: true,
    provider: 'openai',
    providerKeyId: 'pk_1',
    model: 'gpt-4o-mini',
    promptTokens: 100,
    completionTokens: 20,
    totalTokens: 120,
    costUsd: 0.000027,
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}

/** One INSERT stream record in Lambda's event shape, with the given sequence number. */
export function insertRecord(record: Readonly<Record<string, unknown>>, sequenceNumber: number | string): DynamoDBRecord {
  const image = toAttributeMap({
    pk: `ACCOUNT#${String(record.accountId)}`,
    sk: `REQ#${String(record.startedAt)}#${String(record.requestId)}`,
    ...record,
  } as never);
  return {
    eventID: `ev-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/activity/stream/2026-11-26T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1_764_130_000,
      Keys: { pk: image.pk as never, sk: image.sk as never },
      NewImage: image as never,
      SequenceNumber: String(sequenceNumber),
      SizeBytes: 300,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}
