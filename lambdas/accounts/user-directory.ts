/** The sign-in directory (the Cognito user pool): lambdas/auth/cognito-user-directory.ts implements it. */
export interface UserDirectory {
  /** Creates a user and sends the invitation email with a temporary password; 'exists' when the address has one. */
  invite(email: string): Promise<{ readonly sub: string } | 'exists'>;
  /** The user's email address, by the `username` of their access token. */
  emailOf(username: string): Promise<string | undefined>;
}
