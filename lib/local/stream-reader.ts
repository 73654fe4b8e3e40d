import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_REGION, localDynamoDbClient } from './dynamodb-local.js';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamReaderOptions {
  /** DynamoDB Local's URL. */
  readonly endpoint: string;
  /** The physical name of the table whose stream is read. */
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** Records per invocation at most, as the event source mapping's batch size. */
  readonly batchSize: number;
  /** How often an idle shard is asked again. */
  readonly pollIntervalMs?: number;
  readonly log?: (message: string) => void;
}

export interface StreamReader {
  stop(): Promise<void>;
}

interface ShardState {
  readonly shard: Shard;
  iterator?: string;
  /** Where to start over after a failed batch (the record the handler answered, or the batch's first). */
  retryFrom?: string;
  /** The last record handed over successfully: where a lost iterator resumes. */
  checkpoint?: string;
  done: boolean;
}

/**
 * Lambda's event source mapping for DynamoDB Streams, on DynamoDB Local: reads the table's stream through the
 * Streams API (DescribeStream, GetShardIterator, GetRecords), a parent shard before its children, and calls the
 * handler with the event Lambda would send. A batch answered with `batchItemFailures` (or thrown) is read again from
 * the reported record, as Lambda retries it. It starts at the trim horizon, like the deployed mapping: records seen
 * by an earlier run come again, and the handler's own exactly-once design skips them.
 */
export function startStreamReader(options: StreamReaderOptions): StreamReader {
  const { endpoint, tableName, handler, batchSize, pollIntervalMs = 200, log = () => undefined } = options;
  const streams = new DynamoDBStreamsClient({ region: LOCAL_REGION, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const shards = new Map<string, ShardState>();
  let stopped = false;
  let streamArn: string | undefined;
  let wake: (() => void) | undefined;

  async function discover(): Promise<void> {
    if (!streamArn) {
      const dynamo = localDynamoDbClient(endpoint);
      try {
        streamArn = (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
      } finally {
        dynamo.destroy();
      }
      if (!streamArn) throw new Error(`${tableName} has no stream`);
    }
    let start: string | undefined;
    do {
      const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (shard.ShardId && !shards.has(shard.ShardId)) shards.set(shard.ShardId, { shard, done: false });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  async function iterator(state: ShardState, type: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> {
    const out = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: state.shard.ShardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
    );
    return out.ShardIterator;
  }

  /** One GetRecords on the shard and, when it returns records, one invocation. True when records were handed over. */
  async function poll(state: ShardState): Promise<boolean> {
    if (state.retryFrom !== undefined) {
      state.iterator = await iterator(state, 'AT_SEQUENCE_NUMBER', state.retryFrom);
      state.retryFrom = undefined;
    }
    state.iterator ??=
      state.checkpoint === undefined ? await iterator(state, 'TRIM_HORIZON') : await iterator(state, 'AFTER_SEQUENCE_NUMBER', state.checkpoint);
    if (!state.iterator) {
      state.done = true;
      return false;
    }
    const current = state.iterator;
    // Cleared while the call is out: an iterator that expired or failed is made again from the checkpoint.
    state.iterator = undefined;
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: current, Limit: batchSize }));
    const records = out.Records ?? [];
    if (records.length > 0) {
      const event: DynamoDBStreamEvent = { Records: records.map((r) => lambdaRecord(r, streamArn ?? '')) };
      try {
        const failure = (await handler(event))?.batchItemFailures?.[0]?.itemIdentifier;
        if (failure !== undefined) {
          state.retryFrom = failure;
          return true;
        }
      } catch (err) {
        log(`stream handler failed (${(err as Error | null)?.name ?? 'error'}); retrying the batch`);
        state.retryFrom = records[0]?.dynamodb?.SequenceNumber;
        return true;
      }
    }
    state.checkpoint = records[records.length - 1]?.dynamodb?.SequenceNumber ?? state.checkpoint;
    state.iterator = out.NextShardIterator;
    if (!state.iterator) state.done = true;
    return records.length > 0;
  }

  /** A shard is read once its parent (if still known and open) is done: records of one key stay in order. */
  function ready(state: ShardState): boolean {
    const parent = state.shard.ParentShardId && shards.get(state.shard.ParentShardId);
    return !state.done && (!parent || parent.done);
  }

  const loop = (async () => {
    let rounds = 0;
    while (!stopped) {
      let busy = false;
      try {
        if (rounds++ % 25 === 0) await discover();
        for (const state of shards.values()) if (!stopped && ready(state)) busy = (await poll(state)) || busy;
      } catch (err) {
        log(`stream reader: ${(err as Error | null)?.name ?? 'error'}`);
      }
      if (!busy && !stopped) await new Promise<void>((resolve) => setTimeout((wake = resolve), pollIntervalMs));
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      streams.destroy();
    },
  };
}

/** A Streams API record in Lambda's event shape: the same fields, the creation time in epoch seconds, the stream's ARN. */
function lambdaRecord(record: _Record, eventSourceARN: string): DynamoDBRecord {
  const { dynamodb } = record;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN,
    dynamodb: {
      ApproximateCreationDateTime: dynamodb?.ApproximateCreationDateTime ? Math.floor(dynamodb.ApproximateCreationDateTime.getTime() / 1000) : undefined,
      Keys: dynamodb?.Keys as never,
      NewImage: dynamodb?.NewImage as never,
      OldImage: dynamodb?.OldImage as never,
      SequenceNumber: dynamodb?.SequenceNumber,
      SizeBytes: dynamodb?.SizeBytes,
      StreamViewType: dynamodb?.StreamViewType,
    },
  };
}
