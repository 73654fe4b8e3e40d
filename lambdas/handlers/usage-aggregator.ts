import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { tableConfig } from '../runtime-config.js';
import { fromAttributeMap, type StreamAttributeValue } from '../store/attribute-values.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createRollupWriter } from '../store/usage-items.js';
import { aggregateUsage, logger, type RollupWriter } from '../usage/usage-aggregator.js';

let writer: RollupWriter | undefined;
function rollupWriter(): RollupWriter {
  if (writer) return writer;
  const config = tableConfig(['usage', 'accounts']);
  return (writer = createRollupWriter(createDocumentClient(config), config.tables));
}

/**
 * The activity table's stream (event source mapping with partial batch responses): request records → usage rollups.
 * A failed write answers the first record not counted, so Lambda retries from there.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const records = event.Records.map((r) => ({
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
    eventName: r.eventName,
    newImage: r.dynamodb?.NewImage && fromAttributeMap(r.dynamodb.NewImage as Record<string, StreamAttributeValue>),
  }));
  const result = await aggregateUsage(records, rollupWriter());
  logger.info('Usage rollups', {
    records: records.length,
    counted: result.counted,
    skipped: result.skipped,
    writes: result.writes,
    failed: result.failedAt !== undefined,
  });
  return { batchItemFailures: result.failedAt === undefined ? [] : [{ itemIdentifier: result.failedAt }] };
}
