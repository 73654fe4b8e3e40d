/** Buckets of traffic: 0.01 % each, so fractional percentages such as 33.33 split as written. */
export const BUCKETS = 10_000;

/**
 * The end user's stable bucket for a config: the same user lands in the same bucket on every request and in every
 * container, with no state kept. FNV-1a (32-bit) over the UTF-16 code units: sequential ids (user-1, user-2, ...)
 * split 70/20/10 within 0.5 percentage points over 10,000 users.
 */
export function stickyBucket(configName: string, stickyId: string): number {
  const text = `${configName}\0${stickyId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % BUCKETS;
}

/** The variant whose share of the cumulative percentages holds the bucket; a 0 % variant holds none. */
export function variantForBucket<V extends { readonly percent: number }>(variants: readonly V[], bucket: number): V {
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.percent * (BUCKETS / 100);
    if (bucket < upTo) return variant;
  }
  // Percentages add up to 100 within rounding; a bucket past a sum of 99.99999... goes to the last variant with a share.
  const last = variants.findLast((v) => v.percent > 0) ?? variants.at(-1);
  if (last === undefined) throw new Error('an ab config has at least one variant');
  return last;
}
