/** The Cognito group whose members may use the admin API (created by lib/auth.ts, and locally by the bootstrap). */
export const ADMIN_GROUP = 'admins';

/**
 * Whether the authorizer's claims put the caller in the admins group. API Gateway hands `cognito:groups` over as
 * one string: comma-separated (`a,b`), or bracketed and space-separated (`[a b]`) depending on the authorizer.
 */
export function isAdmin(claims: Readonly<Record<string, unknown>> | undefined): boolean {
  const groups = claims?.['cognito:groups'];
  if (typeof groups !== 'string') return false;
  return groups
    .replace(/^\[|\]$/g, '')
    .split(/[,\s]+/)
    .includes(ADMIN_GROUP);
}
