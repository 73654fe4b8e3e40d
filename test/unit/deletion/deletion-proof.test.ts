import {
  CONFIRMATION_TTL_SECONDS,
  FRESH_SIGN_IN_SECONDS,
  confirmationHash,
  isFreshSignIn,
  newConfirmation,
  proofRequired,
} from '../../../lambdas/deletion/deletion-proof.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const seconds = (ms: number) => String(Math.floor(ms / 1000));

describe('what DELETE /v1/me accepts as proof (P20)', () => {
  it('P20: a sign-in within 5 minutes is fresh, as API Gateway passes auth_time (a string) or as a number', () => {
    expect(FRESH_SIGN_IN_SECONDS).toBe(300);
    expect(isFreshSignIn(seconds(NOW), NOW)).toBe(true);
    expect(isFreshSignIn(seconds(NOW - 299_000), NOW)).toBe(true);
    expect(isFreshSignIn(Math.floor((NOW - 300_000) / 1000), NOW)).toBe(true);
  });

  it('P20: an older sign-in, a missing or malformed auth_time and one from the future are not fresh', () => {
    expect(isFreshSignIn(seconds(NOW - 301_000), NOW)).toBe(false);
    expect(isFreshSignIn(undefined, NOW)).toBe(false);
    expect(isFreshSignIn('', NOW)).toBe(false);
    expect(isFreshSignIn('12e3', NOW)).toBe(false);
    expect(isFreshSignIn('1.7e9', NOW)).toBe(false);
    expect(isFreshSignIn({}, NOW)).toBe(false);
    expect(isFreshSignIn(seconds(NOW + 120_000), NOW)).toBe(false);
    // A few seconds of clock skew between Cognito and the function are tolerated.
    expect(isFreshSignIn(seconds(NOW + 10_000), NOW)).toBe(true);
  });

  it('P20: a confirmation is long and random, stored only as its SHA-256, valid 10 minutes', () => {
    const a = newConfirmation();
    const b = newConfirmation();
    expect(a).toMatch(/^rkdel_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(confirmationHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(confirmationHash(a)).not.toContain(a.slice(6));
    expect(confirmationHash(a)).toBe(confirmationHash(a));
    expect(CONFIRMATION_TTL_SECONDS).toBe(600);
  });

  it('P20: the 403 names what is needed, in the OpenAI error shape', () => {
    const stale = proofRequired('stale_sign_in').toBody();
    expect(stale.error).toMatchObject({ type: 'permission_error', code: 'confirmation_required', param: null });
    expect(stale.error.message).toContain('POST /v1/me/deletion-token');
    expect(stale.error.message).toContain('5 minutes');
    const invalid = proofRequired('invalid_confirmation').toBody();
    expect(invalid.error).toMatchObject({ type: 'permission_error', code: 'invalid_confirmation', param: 'confirmation' });
    expect(proofRequired('invalid_confirmation').status).toBe(403);
  });
});
