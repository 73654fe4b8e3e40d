import type { Dimension, Granularity } from './rollup.js';

/** One stored rollup as readers see it. */
export interface StoredRollup {
  /** `yyyy-mm-ddThh` or `yyyy-mm-dd`, UTC. */
  readonly period: string;
  readonly value: string;
  readonly counters: ReadonlyMap<string, number>;
}

export interface RollupQuery {
  readonly granularity: Granularity;
  readonly dimension: Dimension;
  /** Inclusive period bounds. */
  readonly from: string;
  readonly to: string;
}

/** Reads rollups (lambdas/store/usage-items.ts): the usage and provider-metrics answers depend on this, not on DynamoDB. */
export interface RollupReader {
  /** The account's rollups of one dimension over the range, expired ones left out; `queries`: DynamoDB Queries sent. */
  read(accountId: string, query: RollupQuery): Promise<{ rollups: StoredRollup[]; queries: number }>;
}
