import { serviceLogger } from '../http/logger.js';
import { requestActivitySchema, type RequestActivity } from '../store/activity-record.js';
import { addCounters, recordCounters, rollupKeys, type Counters, type RollupKey } from './rollup.js';

export const logger = serviceLogger('roukey-usage');

/**
 * The usage aggregator: request records from the activity table's stream in, rollups out (P4, P10).
 *
 * Exactly once in effect: each account has a watermark, the highest stream sequence number already counted in its
 * rollups, and every rollup change moves it in the same transaction as the counters it adds. A record at or below
 * its account's watermark is skipped, so a batch delivered again (a retry, a bisected half, a replay after a
 * partial failure) adds nothing twice. Per account, records arrive in order (DynamoDB Streams keep one partition
 * key's records in order, and Lambda processes one partition key's records in order), which is what makes one
 * number enough.
 *
 * Writes are per batch, not per record: a batch's records are summed per rollup first, so one transaction per
 * account carries everything that account's records add (more only when that touches over MAX_ROLLUPS_PER_CHANGE
 * rollups).
 *
 * Nothing is written for a deleted account (P20): each transaction also requires the account's profile to exist and
 * not be a deletion's tombstone. Records written just before a deletion can reach the aggregator after the deletion
 * job has removed the account's usage; they are left out, and the batch goes on with the other accounts.
 */
export interface StreamRecord {
  /** The record's stream sequence number, as the event gives it. */
  readonly sequenceNumber: string;
  readonly eventName?: string;
  /** The item as written, decoded to plain values. */
  readonly newImage?: Readonly<Record<string, unknown>>;
}

export interface RollupDelta {
  readonly key: RollupKey;
  readonly counters: Counters;
}

/** One transaction: rollup increments for one account, and its watermark moved from `after` to `through`. */
export interface RollupChange {
  readonly accountId: string;
  /** The watermark as read; the change applies only if it has not moved since. */
  readonly after?: string;
  /** The highest (normalised) sequence number the change covers. */
  readonly through: string;
  readonly deltas: readonly RollupDelta[];
}

export interface RollupWriter {
  /** Each account's watermark (normalised sequence number); absent for an account never counted. */
  watermarks(accountIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * Applies the change atomically, or writes nothing: 'stale' when the watermark moved since it was read, 'gone' when
   * the account is deleted (or being deleted) or never existed.
   */
  apply(change: RollupChange): Promise<RollupOutcome>;
}

export type RollupOutcome = 'applied' | 'stale' | 'gone';

/** A transaction holds at most 100 items: the watermark, the check of the account's profile and 98 rollups. */
export const MAX_ROLLUPS_PER_CHANGE = 98;

export interface AggregateResult {
  /** The sequence number (as given) of the first record not counted after a failed write: the batch resumes there. */
  readonly failedAt?: string;
  /** Request records counted now. */
  readonly counted: number;
  /** Records that are not request records, were counted before, or belong to a deleted account. */
  readonly skipped: number;
  readonly transactions: number;
  /** Items written: rollups plus watermarks. */
  readonly writes: number;
}

/** Sequence numbers are decimal strings of varying length: padded, they compare as strings. */
export function normalisedSequence(sequenceNumber: string): string {
  return sequenceNumber.padStart(40, '0');
}

interface Counted {
  readonly index: number;
  readonly sequenceNumber: string;
  readonly seq: string;
  readonly record: RequestActivity;
}

export async function aggregateUsage(records: readonly StreamRecord[], writer: RollupWriter): Promise<AggregateResult> {
  const byAccount = new Map<string, Counted[]>();
  let skipped = 0;
  records.forEach((streamRecord, index) => {
    const record = requestRecord(streamRecord);
    if (!record) {
      skipped++;
      return;
    }
    const list = byAccount.get(record.accountId) ?? [];
    list.push({ index, sequenceNumber: streamRecord.sequenceNumber, seq: normalisedSequence(streamRecord.sequenceNumber), record });
    byAccount.set(record.accountId, list);
  });
  if (byAccount.size === 0) return { counted: 0, skipped, transactions: 0, writes: 0 };

  const watermarks = await writer.watermarks([...byAccount.keys()]);
  let counted = 0;
  let transactions = 0;
  let writes = 0;
  let firstFailure: Counted | undefined;
  await Promise.all(
    [...byAccount].map(async ([accountId, list]) => {
      let after = watermarks.get(accountId);
      const fresh = list.filter((c) => after === undefined || c.seq > after);
      skipped += list.length - fresh.length;
      let left = fresh.length;
      for (const chunk of chunks(fresh)) {
        const through = chunk.records[chunk.records.length - 1]?.seq ?? '';
        let outcome: RollupOutcome | 'failed';
        try {
          outcome = await writer.apply({ accountId, after, through, deltas: [...chunk.deltas.values()] });
        } catch (err) {
          logger.warn('Rollup write failed', { errorName: (err as Error | null)?.name ?? 'unknown' });
          outcome = 'failed';
        }
        if (outcome === 'gone') {
          // The account is going away: its records are dropped, not retried (its watermark goes with it).
          skipped += left;
          logger.info('Usage records of a deleted account left out', { records: left });
          return;
        }
        if (outcome !== 'applied') {
          // Retried from here: the watermark skips what this or an earlier attempt already counted.
          const first = chunk.records[0];
          if (first && (firstFailure === undefined || first.index < firstFailure.index)) firstFailure = first;
          return;
        }
        after = through;
        left -= chunk.records.length;
        counted += chunk.records.length;
        transactions++;
        writes += chunk.deltas.size + 1;
      }
    }),
  );
  return { counted, skipped, transactions, writes, ...(firstFailure ? { failedAt: firstFailure.sequenceNumber } : {}) };
}

/** The request record a stream record carries; undefined for anything else (security events, TTL deletions, updates). */
function requestRecord({ eventName, newImage }: StreamRecord): RequestActivity | undefined {
  if (eventName !== 'INSERT' || newImage?.kind !== 'request') return undefined;
  const { pk: _pk, sk: _sk, ...fields } = newImage;
  const parsed = requestActivitySchema.safeParse(fields);
  if (!parsed.success) {
    // Field paths only, never values.
    logger.error('Request record left out of the rollups: it does not match the schema', { fields: parsed.error.issues.map((i) => i.path.join('.')) });
    return undefined;
  }
  return parsed.data;
}

interface Chunk {
  readonly records: Counted[];
  readonly deltas: Map<string, RollupDelta>;
}

/** The account's records, in order, summed per rollup, cut where a transaction would pass its item limit. */
function chunks(records: readonly Counted[]): Chunk[] {
  const out: Chunk[] = [];
  let current: Chunk = { records: [], deltas: new Map() };
  for (const counted of records) {
    const keys = rollupKeys(counted.record).map((key) => [rollupId(key), key] as const);
    const added = keys.filter(([id]) => !current.deltas.has(id)).length;
    if (current.records.length > 0 && current.deltas.size + added > MAX_ROLLUPS_PER_CHANGE) {
      out.push(current);
      current = { records: [], deltas: new Map() };
    }
    const counters = recordCounters(counted.record);
    for (const [id, key] of keys) {
      const delta = current.deltas.get(id) ?? { key, counters: new Map() };
      addCounters(delta.counters, counters);
      current.deltas.set(id, delta);
    }
    current.records.push(counted);
  }
  if (current.records.length > 0) out.push(current);
  return out;
}

function rollupId(key: RollupKey): string {
  return `${key.granularity}|${key.dimension}|${key.period}|${key.value}`;
}
