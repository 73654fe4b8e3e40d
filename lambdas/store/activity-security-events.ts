import { hash } from 'node:crypto';
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logger } from '../http/logger.js';
import { securityEventSchema, type SecurityEvent, type SecurityEventRecorder } from '../security/security-event.js';
import type { SecurityEventReader, StoredSecurityEvent } from '../security/security-events-service.js';
import { accountPk } from './accounts-items.js';
import { RETENTION, expiresAfterDays } from './retention.js';

/**
 * Security events (P8) in the `activity` table. One item per bucket: the same event (every field equal) in the same
 * UTC minute under the same partition, with a count.
 *
 * | pk                         | sk                                   | attributes                                        |
 * |----------------------------|--------------------------------------|---------------------------------------------------|
 * | ACCOUNT#<accountId>        | SEC#<yyyy-mm-ddThh:mm>#<bucket hash> | kind 'security', event (the strict schema), count, time (first seen), expiresAt |
 * | SOURCE#<ip or 'unknown'>   | SEC#<yyyy-mm-ddThh:mm>#<bucket hash> | the same, for events no account is known for (an unknown API key) |
 *
 * The sk is deterministic, so every container adds its count to the same item (`ADD count`); sk order is time
 * order, so an account's events list newest first with one Query. These are the only items holding an IP (P7), and
 * they expire after RETENTION.securityEventDays.
 */
export const SECURITY_SK_PREFIX = 'SEC#';
/** What such an sk looks like, to check one that came back from a client in a cursor. */
const SECURITY_SK = /^SEC#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}#[0-9a-f]{16}$/;
const SOURCE_PREFIX = 'SOURCE#';
const MINUTE_MS = 60_000;

export interface SecurityEventRecorderOptions {
  readonly now?: () => number;
  /** After its first write, a bucket's further events are folded into it at most this often per container. */
  readonly foldIntervalMs?: number;
  /** Buckets held in memory at most; events that would open another one are dropped (and counted in the log). */
  readonly maxBuckets?: number;
  /**
   * Distinct buckets per partition and minute at most: beyond it, events keep only their kind, source and route, so
   * a flood of varied events (random invalid keys from one IP) still lands in a few items.
   */
  readonly maxBucketsPerSourceMinute?: number;
}

interface Bucket {
  readonly pk: string;
  readonly sk: string;
  readonly event: SecurityEvent;
  /** When the first of its events was recorded (ISO). */
  readonly time: string;
  /** When its minute ends (epoch ms): no event joins it after that, so it is written at once and forgotten. */
  readonly closesAt: number;
  /** Events not yet written. */
  pending: number;
  /** When it was last written (epoch ms); undefined before its first write. */
  lastWrite?: number;
}

/**
 * The DynamoDB recorder. `record` only counts in memory; `flush` writes what is due, one UpdateItem per bucket:
 * a bucket's first event at the next flush, further ones at most every `foldIntervalMs`, and a closed minute's
 * remainder at once. So per container a bucket costs at most 1 + 60 s / foldIntervalMs writes a minute however
 * many events it counts; a partition opens at most `maxBucketsPerSourceMinute` + one per kind buckets a minute;
 * and memory holds at most `maxBuckets` buckets. The price: events folded since a bucket's last write are lost if
 * the container never flushes again (a Lambda flushes after every response, so that is the last few seconds'
 * repeats of an event already on record).
 */
export function createSecurityEventRecorder(db: DynamoDBDocumentClient, table: string, options: SecurityEventRecorderOptions = {}): SecurityEventRecorder {
  const { now = Date.now, foldIntervalMs = 5_000, maxBuckets = 1_000, maxBucketsPerSourceMinute = 10 } = options;
  const buckets = new Map<string, Bucket>();
  /** Distinct detailed buckets per `pk|minute`, to know when to coarsen. */
  const perSourceMinute = new Map<string, number>();
  let dropped = 0;

  function bucketFor(event: SecurityEvent, at: number): { key: string; sourceMinute: string; create: () => Bucket } {
    const minute = Math.floor(at / MINUTE_MS);
    const pk = event.accountId ? accountPk(event.accountId) : `${SOURCE_PREFIX}${event.sourceIp ?? 'unknown'}`;
    const identity = canonical(event);
    return {
      key: `${pk}|${minute}|${identity}`,
      sourceMinute: `${pk}|${minute}`,
      create: () => ({
        pk,
        sk: `${securitySkBound(at)}#${hash('sha256', identity, 'hex').slice(0, 16)}`,
        event,
        time: new Date(at).toISOString(),
        closesAt: (minute + 1) * MINUTE_MS,
        pending: 0,
      }),
    };
  }

  async function write(bucket: Bucket, at: number): Promise<void> {
    const count = bucket.pending;
    bucket.pending = 0;
    bucket.lastWrite = at;
    try {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: bucket.pk, sk: bucket.sk },
          UpdateExpression:
            'SET #kind = :kind, #event = if_not_exists(#event, :event), #time = if_not_exists(#time, :time), expiresAt = if_not_exists(expiresAt, :expiresAt) ADD #count :count',
          ExpressionAttributeNames: { '#kind': 'kind', '#event': 'event', '#time': 'time', '#count': 'count' },
          ExpressionAttributeValues: {
            ':kind': 'security',
            ':event': bucket.event,
            ':time': bucket.time,
            ':expiresAt': expiresAfterDays(RETENTION.securityEventDays, bucket.closesAt),
            ':count': count,
          },
        }),
      );
    } catch (err) {
      // Kept for the next flush; recording must never fail a request.
      bucket.pending += count;
      logger.warn('Security event write failed', { errorName: (err as Error | null)?.name ?? 'unknown' });
    }
  }

  return {
    record(input) {
      const parsed = securityEventSchema.safeParse(input);
      if (!parsed.success) {
        // A caller's bug; the issue paths name the fields without their values.
        logger.error('Invalid security event', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
        return;
      }
      const at = now();
      let target = bucketFor(parsed.data, at);
      let bucket = buckets.get(target.key);
      if (!bucket && (perSourceMinute.get(target.sourceMinute) ?? 0) >= maxBucketsPerSourceMinute) {
        target = bucketFor(coarse(parsed.data), at);
        bucket = buckets.get(target.key);
      }
      if (!bucket) {
        if (buckets.size >= maxBuckets) {
          dropped++;
          return;
        }
        bucket = target.create();
        buckets.set(target.key, bucket);
        perSourceMinute.set(target.sourceMinute, (perSourceMinute.get(target.sourceMinute) ?? 0) + 1);
      }
      bucket.pending++;
    },

    async flush() {
      const at = now();
      const due = [...buckets.values()].filter((b) => b.pending > 0 && (b.lastWrite === undefined || at - b.lastWrite >= foldIntervalMs || at >= b.closesAt));
      await Promise.all(due.map((b) => write(b, at)));
      for (const [key, b] of buckets) if (b.pending === 0 && at >= b.closesAt) buckets.delete(key);
      const currentMinute = Math.floor(at / MINUTE_MS);
      for (const key of perSourceMinute.keys()) if (Number(key.slice(key.lastIndexOf('|') + 1)) < currentMinute) perSourceMinute.delete(key);
      if (dropped > 0) {
        logger.warn('Security events dropped: too many distinct events held', { dropped });
        dropped = 0;
      }
    },
  };
}

/** The event with its high-cardinality details removed: what a flood's overflow is counted as. */
function coarse(event: SecurityEvent): SecurityEvent {
  const { kind, accountId, sourceIp, route } = event;
  return { kind, ...(accountId ? { accountId } : {}), ...(sourceIp ? { sourceIp } : {}), ...(route ? { route } : {}) };
}

/** The event's fields in a fixed order: equal events give equal text. */
function canonical(event: SecurityEvent): string {
  return JSON.stringify(
    Object.keys(event)
      .sort()
      .map((k) => [k, event[k as keyof SecurityEvent]]),
  );
}

/** Reads per page at most: a `kind` filter can skip many items, and one listing call must stay bounded. */
const MAX_QUERIES_PER_PAGE = 5;

export function createSecurityEventReader(db: DynamoDBDocumentClient, table: string, options: { now?: () => number } = {}): SecurityEventReader {
  const now = options.now ?? Date.now;
  return {
    async list(accountId, query) {
      const lowest = securitySkBound(query.from);
      // '~' sorts after the '#' and hash that follow the minute.
      const highest = `${securitySkBound(query.to)}~`;
      if (query.after !== undefined && !(SECURITY_SK.test(query.after) && query.after >= lowest && query.after <= highest)) return 'invalid_cursor';
      const events: StoredSecurityEvent[] = [];
      let startKey: Record<string, unknown> | undefined = query.after === undefined ? undefined : { pk: accountPk(accountId), sk: query.after };
      for (let i = 0; i < MAX_QUERIES_PER_PAGE && events.length < query.limit; i++) {
        const out = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            // DynamoDB deletes expired items only eventually, so reads drop them.
            FilterExpression: `expiresAt > :now${query.kind ? ' AND #event.#kind = :kind' : ''}`,
            ExpressionAttributeNames: query.kind ? { '#event': 'event', '#kind': 'kind' } : undefined,
            ExpressionAttributeValues: {
              ':pk': accountPk(accountId),
              ':from': lowest,
              ':to': highest,
              ':now': Math.floor(now() / 1000),
              ...(query.kind ? { ':kind': query.kind } : {}),
            },
            ScanIndexForward: false,
            Limit: query.limit - events.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const event = securityEventSchema.safeParse(item.event);
          // An item that no longer matches the schema is left out rather than failing the listing.
          if (event.success && typeof item.time === 'string' && typeof item.count === 'number')
            events.push({ ...event.data, time: item.time, count: item.count });
        }
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return { events, ...(startKey ? { after: startKey.sk as string } : {}) };
    },
  };
}

/** The sk prefix of the minute holding `at`. */
export function securitySkBound(at: number): string {
  return `${SECURITY_SK_PREFIX}${new Date(Math.floor(at / MINUTE_MS) * MINUTE_MS).toISOString().slice(0, 16)}`;
}
