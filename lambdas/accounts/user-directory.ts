/** The sign-in directory (the Cognito user pool): lambdas/auth/cognito-user-directory.ts implements it. */
export interface UserDirectory {
  /** Creates a user and sends the invitation email with a temporary password; 'exists' when the address has one. */
  invite(email: string): Promise<{ readonly sub: string } | 'exists'>;
  /** Whether the pool still has the user (false once deleted), by the `username` of their access token. */
  exists(username: string): Promise<boolean>;
  /** Deletes the user from the pool (AdminDeleteUser); an already deleted user is not an error. */
  remove(username: string): Promise<void>;
  /** The user's email address, by the `username` of their access token. */
  emailOf(username: string): Promise<string | undefined>;
  /** Revokes every refresh token of the user (every device); access tokens live on until they expire. */
  signOutEverywhere(username: string): Promise<void>;
  /** How the user can sign in: whether every password sign-in asks for TOTP, and which providers are linked. */
  signInFactors(username: string): Promise<SignInFactors>;
  /** What the pool holds about the user that their profile shows, and what they confirmed at sign-up. */
  details(username: string): Promise<UserDetails>;
  /** Starts a change of the signed-in user's email: Cognito mails a code to the new address, the old one stays until it is verified. */
  changeEmail(accessToken: string, email: string): Promise<void>;
  /** Confirms the new address with the code Cognito sent; 'invalid_code' when the code is wrong or expired. */
  verifyEmail(accessToken: string, code: string): Promise<'verified' | 'invalid_code'>;
}

export interface UserDetails {
  readonly email?: string;
  /** The provider's picture (Google's `picture`), used until the user uploads an avatar. */
  readonly picture?: string;
  /** `password` when the user has a password of their own, then each linked provider (`Google`, `GitHub`). */
  readonly signInMethods: readonly string[];
  /** The sign-up form's answers (custom attributes), when the user signed up themselves. */
  readonly signUpConsent?: { readonly over13: boolean; readonly policyVersion?: string };
}

export interface SignInFactors {
  /** TOTP is enabled for the user: Cognito asks for a code at each password sign-in. */
  readonly totp: boolean;
  /** Google or GitHub identities linked to the user: signing in through them skips Cognito's TOTP. */
  readonly linkedProviders: readonly string[];
}
