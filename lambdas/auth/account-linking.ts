import type { AdminMfaMode } from './admin-mfa.js';
import { parseFederatedUsername, type FederatedIdentity } from './federated-providers.js';

/** A user of the pool as account linking sees it. */
export interface PoolUser {
  readonly username: string;
  /** Cognito's UserStatus: `CONFIRMED`, `FORCE_CHANGE_PASSWORD` (invited), `UNCONFIRMED`, `EXTERNAL_PROVIDER`, … */
  readonly status: string;
  readonly emailVerified: boolean;
  readonly createdAt: number;
}

/** What linking needs of the user pool: lambdas/auth/cognito-linking-directory.ts implements it. */
export interface LinkingDirectory {
  usersWithEmail(email: string): Promise<PoolUser[]>;
  isAdmin(username: string): Promise<boolean>;
  /** Makes `source` sign in as `destinationUsername` from now on (AdminLinkProviderForUser). */
  link(destinationUsername: string, source: FederatedIdentity): Promise<void>;
}

export interface FederatedSignUp {
  /** The new federated user's Cognito username, `<Provider>_<provider user id>`. */
  readonly username: string;
  readonly email?: string;
  readonly emailVerified: boolean;
}

export type FederatedSignUpOutcome =
  /** Linked to the existing user with that verified address: no new account, so the sign-up policy does not apply. */
  | { readonly kind: 'linked'; readonly destination: string }
  /** Refused with the message the person sees. */
  | { readonly kind: 'refused'; readonly message: string }
  /** Nobody has the address: a new sign-in, for the sign-up policy to decide. */
  | { readonly kind: 'new' };

/**
 * A first Google or GitHub sign-in whose verified address belongs to an existing user becomes a second way into that
 * user, never a second account. Linking needs both addresses verified (the provider's, and the existing user's, so
 * an unconfirmed self sign-up cannot capture someone's later Google sign-in); when an address is taken but cannot be
 * linked, the sign-in is refused rather than made into a duplicate. Where admins must use TOTP, an admin is not
 * linked: a federated sign-in would skip it.
 */
export async function linkFederatedSignUp(
  directory: LinkingDirectory,
  signUp: FederatedSignUp,
  options: { adminMfa: AdminMfaMode },
): Promise<FederatedSignUpOutcome> {
  const source = parseFederatedUsername(signUp.username);
  if (!source || !signUp.email) return { kind: 'new' };
  const existing = (await directory.usersWithEmail(signUp.email)).filter((u) => u.username !== signUp.username);
  if (existing.length === 0) return { kind: 'new' };
  if (!signUp.emailVerified) {
    return {
      kind: 'refused',
      message: `An account with this email address already exists, and ${source.providerName} does not say the address is verified: verify it there, or sign in as you did before.`,
    };
  }
  const [destination] = existing
    .filter((u) => u.status !== 'EXTERNAL_PROVIDER' && u.status !== 'UNCONFIRMED' && u.emailVerified)
    .sort((a, b) => a.createdAt - b.createdAt);
  if (!destination) {
    const before = existing.map((u) => parseFederatedUsername(u.username)?.providerName).find((name) => name !== undefined);
    return {
      kind: 'refused',
      message: before
        ? `An account with this email address already exists: sign in with ${before}, as you did before.`
        : 'An account with this email address exists but its address is not verified yet: sign in with your password and verify it first.',
    };
  }
  if (options.adminMfa === 'required' && (await directory.isAdmin(destination.username))) {
    return {
      kind: 'refused',
      message: `Administrators of this deployment sign in with their password and TOTP: ${source.providerName} is not linked to an administrator.`,
    };
  }
  await directory.link(destination.username, source);
  return { kind: 'linked', destination: destination.username };
}
