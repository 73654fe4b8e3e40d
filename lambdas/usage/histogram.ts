/**
 * Fixed log-spaced histograms for latency and time to first token. The buckets are the same everywhere, so two
 * histograms merge by adding counts bucket by bucket: hours into days, API keys into an account, models into a
 * provider, and percentiles read from the merged counts.
 *
 * Bucket 0 holds values under 1 ms; bucket i ≥ 1 holds [2^((i-1)/4), 2^(i/4)) ms (four buckets per doubling, each
 * about 19 % wide); the last bucket also holds everything above its lower bound.
 */
export const BUCKETS_PER_DOUBLING = 4;
/** 2^(80/4) ms ≈ 17 minutes: beyond the longest request the router serves. */
export const LAST_BUCKET = 80;

export type Histogram = ReadonlyMap<number, number>;

/** The bucket a duration in ms falls in. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(LAST_BUCKET, 1 + Math.floor(BUCKETS_PER_DOUBLING * Math.log2(ms)));
}

/** The value reported for a bucket: the geometric middle of its bounds, so the error is at most ±9 % either way. */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0;
  return 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

/** Adds `other`'s counts into `into`. */
export function mergeHistogram(into: Map<number, number>, other: Histogram): void {
  for (const [bucket, count] of other) into.set(bucket, (into.get(bucket) ?? 0) + count);
}

/**
 * The `q` quantile (0 < q ≤ 1) by the nearest-rank rule over the buckets: the bucket holding the ⌈q·n⌉-th smallest
 * value, reported as that bucket's value rounded to the ms; undefined for an empty histogram.
 */
export function quantile(histogram: Histogram, q: number): number | undefined {
  let total = 0;
  for (const count of histogram.values()) total += count;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket) ?? 0;
    if (seen >= rank) return Math.round(bucketValue(bucket));
  }
  return undefined;
}
