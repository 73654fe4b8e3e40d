/** The sign-in directory (the Cognito user pool): lambdas/auth/cognito-user-directory.ts implements it. */
export interface UserDirectory {
  /** Creates a user and sends the invitation email with a temporary password; 'exists' when the address has one. */
  invite(email: string): Promise<{ readonly sub: string } | 'exists'>;
  /** The user's email address, by the `username` of their access token. */
  emailOf(username: string): Promise<string | undefined>;
  /** Revokes every refresh token of the user (every device); access tokens live on until they expire. */
  signOutEverywhere(username: string): Promise<void>;
  /** How the user can sign in: whether every password sign-in asks for TOTP, and which providers are linked. */
  signInFactors(username: string): Promise<SignInFactors>;
}

export interface SignInFactors {
  /** TOTP is enabled for the user: Cognito asks for a code at each password sign-in. */
  readonly totp: boolean;
  /** Google or GitHub identities linked to the user: signing in through them skips Cognito's TOTP. */
  readonly linkedProviders: readonly string[];
}
