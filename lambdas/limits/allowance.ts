/**
 * How the router's request limits are counted across Lambda containers (docs/limits.md). Counters live in the
 * `limits` table (lambdas/store/limits-items.ts); each container works from a share of the allowance so that most
 * requests cost no DynamoDB round trip.
 */

/** The limits checked on every request that reaches a provider, by their plan catalog names. */
export const REQUEST_LIMIT_NAMES = ['requestsPerMinutePerKey', 'requestsPerMonth', 'tokensPerMonth'] as const;
export type RequestLimitName = (typeof REQUEST_LIMIT_NAMES)[number];

export const MINUTE_MS = 60_000;

/** The fixed one-minute window holding `at`: its number (minutes since the epoch) and when it ends (epoch ms). */
export function minuteWindow(at: number): { readonly minute: number; readonly endsAt: number } {
  const minute = Math.floor(at / MINUTE_MS);
  return { minute, endsAt: (minute + 1) * MINUTE_MS };
}

/** When the UTC month holding `at` ends (epoch ms). */
export function monthEndsAt(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * The share of a window's allowance one container takes at a time: a fraction of the limit, at least one request
 * and at most `max`. Below `perWindow` requests a window the share is one request, so small limits are counted
 * exactly; above, a container pays one round trip per share however high the limit is.
 */
export function sliceSize(limit: number, shape: { readonly perWindow: number; readonly max: number }): number {
  return Math.max(1, Math.min(shape.max, Math.floor(limit / shape.perWindow)));
}

/** Per-key minute windows: leased shares expire with their minute, so they may be a fiftieth of the limit. */
export const MINUTE_SLICE = { perWindow: 50, max: 100 } as const;

/**
 * Per-account months: a container may admit this many requests the table has not seen yet. A month outlives
 * containers, so the share is a much smaller fraction of its limit.
 */
export const MONTH_SLICE = { perWindow: 1_000, max: 100 } as const;
