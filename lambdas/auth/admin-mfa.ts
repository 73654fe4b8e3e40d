import { z } from 'zod';
import type { SignInFactors, UserDirectory } from '../accounts/user-directory.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { forbidden } from '../http/errors.js';

/** `roukey:adminMfa`: whether the admin API asks for a TOTP-protected sign-in. */
export const ADMIN_MFA_MODES = ['optional', 'required'] as const;
export type AdminMfaMode = (typeof ADMIN_MFA_MODES)[number];
export const adminMfaModeSchema = z.enum(ADMIN_MFA_MODES, { error: `must be one of: ${ADMIN_MFA_MODES.join(', ')}` });

/** How long a user's factors are trusted per container: TOTP turned off reaches the admin API within this time. */
const FACTORS_TTL_MS = 60_000;

export interface AdminMfaGate {
  /** Throws 403 `mfa_required` unless the admin's sign-in is protected by TOTP. */
  assert(username: string): Promise<void>;
}

/**
 * With `roukey:adminMfa=required`, an admin route answers only users whose sign-in cannot skip TOTP. Cognito's access
 * tokens do not say how a session was authenticated (no `amr`), so the check is on the user: TOTP enabled (Cognito
 * then asks for a code at every password sign-in, managed login included) and no Google or GitHub identity linked
 * (a federated sign-in never meets Cognito's TOTP). Read with AdminGetUser, cached briefly per container.
 */
export function createAdminMfaGate(deps: { mode: AdminMfaMode; directory: Pick<UserDirectory, 'signInFactors'>; now?: () => number }): AdminMfaGate {
  const factors = new TtlCache<string, SignInFactors>({ maxEntries: 1_000, now: deps.now });
  return {
    async assert(username) {
      if (deps.mode === 'optional') return;
      let known = factors.get(username);
      if (!known) {
        known = await deps.directory.signInFactors(username);
        factors.set(username, known, FACTORS_TTL_MS);
      }
      if (!known.totp) {
        throw forbidden(
          'mfa_required',
          'Administrators must sign in with TOTP on this deployment (roukey:adminMfa=required): set up an authenticator app, then sign in again.',
        );
      }
      if (known.linkedProviders.length > 0) {
        throw forbidden(
          'mfa_required',
          `Administrators must sign in with a password and TOTP on this deployment (roukey:adminMfa=required), and a sign-in through ${known.linkedProviders.join(' or ')} skips TOTP: an operator can unlink it (docs/auth.md).`,
        );
      }
    },
  };
}
