/**
 * Short-lived values the provider keeps between two requests, each readable once: a sign-in waiting for GitHub's
 * callback (`AUTHZ`, keyed by the state sent to GitHub) and an authorization code waiting for the token request
 * (`CODE`). lambdas/store/limits-oidc.ts keeps them in the `limits` table.
 */
export interface OneTimeItems {
  /** Stores `data` under `secret` until `expiresAt` (epoch seconds). */
  put(kind: 'AUTHZ' | 'CODE', secret: string, data: Record<string, unknown>, expiresAt: number): Promise<void>;
  /** The data, removed in the same step so that nobody can take it twice; undefined when missing, taken or expired. */
  take(kind: 'AUTHZ' | 'CODE', secret: string): Promise<Record<string, unknown> | undefined>;
}
