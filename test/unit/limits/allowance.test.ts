import { MINUTE_SLICE, MONTH_SLICE, minuteWindow, monthEndsAt, sliceSize } from '../../../lambdas/limits/allowance.js';
import { durationText, rateLimitHeaders } from '../../../lambdas/inbound/response-headers.js';

describe('slice sizing', () => {
  it.each([
    [1, 1],
    [49, 1],
    [60, 1],
    [100, 2],
    [300, 6],
    [1_200, 24],
    [5_000, 100],
    [1_000_000, 100],
  ])('a per-minute limit of %i is leased %i at a time: small limits exactly, large ones in capped shares', (limit, slice) => {
    expect(sliceSize(limit, MINUTE_SLICE)).toBe(slice);
  });

  it.each([
    [100, 1],
    [10_000, 10],
    [250_000, 100],
    [1_000_000_000, 100],
  ])('a monthly quota of %i lets a container run %i ahead of the table', (limit, slice) => {
    expect(sliceSize(limit, MONTH_SLICE)).toBe(slice);
  });
});

describe('windows', () => {
  it('a minute window is the fixed UTC minute holding the instant', () => {
    const at = Date.UTC(2026, 11, 2, 12, 30, 59, 999);
    expect(minuteWindow(at)).toEqual({ minute: Math.floor(at / 60_000), endsAt: Date.UTC(2026, 11, 2, 12, 31) });
    expect(minuteWindow(at + 1).minute).toBe(minuteWindow(at).minute + 1);
  });

  it('a month ends at the first instant of the next UTC month, December included', () => {
    expect(monthEndsAt(Date.UTC(2026, 11, 31, 23, 59))).toBe(Date.UTC(2027, 0, 1));
    expect(monthEndsAt(Date.UTC(2026, 1, 1))).toBe(Date.UTC(2026, 2, 1));
  });
});

describe("OpenAI's request-limit headers", () => {
  const now = Date.UTC(2026, 11, 2, 12, 0, 15);
  it('tell the limit, what is left and when the minute resets; Retry-After only on a refusal', () => {
    expect(rateLimitHeaders({ requests: { limit: 60, remaining: 12, resetAt: now + 45_000 } }, now)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '12',
      'x-ratelimit-reset-requests': '45s',
    });
    const refused = rateLimitHeaders(
      { requests: { limit: 60, remaining: 0, resetAt: now + 1_200 }, refused: { limit: 'requestsPerMinutePerKey', retryAt: now + 1_200 } },
      now,
    );
    expect(refused['retry-after']).toBe('2');
    expect(rateLimitHeaders(undefined, now)).toEqual({});
  });

  it.each([
    [20, '20ms'],
    [1_000, '1s'],
    [59_001, '1m0s'],
    [6 * 60_000, '6m0s'],
    [30 * 86_400_000, '720h0m0s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});
