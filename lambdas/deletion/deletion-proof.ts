import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../http/errors.js';

/** A sign-in this recent (the access token's `auth_time`) may delete the account without a confirmation. */
export const FRESH_SIGN_IN_SECONDS = 5 * 60;
/** How long a confirmation from `POST /v1/me/deletion-token` stays usable (once). */
export const CONFIRMATION_TTL_SECONDS = 10 * 60;

const CONFIRMATION_PREFIX = 'rkdel_';

/** A new confirmation: 32 random bytes. Only its hash is stored. */
export function newConfirmation(): string {
  return `${CONFIRMATION_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a confirmation: its SHA-256, so reading the table does not let anyone use one. */
export function confirmationHash(confirmation: string): string {
  return createHash('sha256').update(confirmation).digest('hex');
}

/** Whether the token's `auth_time` claim (epoch seconds, a string as API Gateway passes claims) is within the window. */
export function isFreshSignIn(authTime: unknown, nowMs: number): boolean {
  const seconds = typeof authTime === 'number' ? authTime : typeof authTime === 'string' && /^\d{1,12}$/.test(authTime) ? Number(authTime) : Number.NaN;
  if (!Number.isFinite(seconds)) return false;
  const age = nowMs / 1000 - seconds;
  // A sign-in from the future is a clock problem, not a fresh sign-in: allow a few seconds of skew only.
  return age >= -30 && age <= FRESH_SIGN_IN_SECONDS;
}

/** The 403 that names what `DELETE /v1/me` needs. */
export function proofRequired(reason: 'stale_sign_in' | 'invalid_confirmation'): ApiError {
  const how = `Sign in again (within ${FRESH_SIGN_IN_SECONDS / 60} minutes), or get a confirmation with POST /v1/me/deletion-token and send it as {"confirmation": "<token>"} within ${CONFIRMATION_TTL_SECONDS / 60} minutes.`;
  return reason === 'invalid_confirmation'
    ? new ApiError('forbidden', `The confirmation is unknown, used or expired. ${how}`, { code: 'invalid_confirmation', param: 'confirmation' })
    : new ApiError('forbidden', `Deleting the account needs a fresh sign-in or a confirmation. ${how}`, { code: 'confirmation_required' });
}
