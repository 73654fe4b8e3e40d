import { signal } from '@preact/signals';
import type { DashboardConfig } from '../runtime-config.js';

/** The signed-in user as the dashboard shows them; the access token is what the API takes. */
export interface Session {
  readonly accessToken: string;
  readonly email: string | null;
  readonly admin: boolean;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** How this deployment signs people in: managed login in AWS, the dev user's password locally. */
export interface SignInMethod {
  readonly mode: DashboardConfig['mode'];
  /** The session kept from before a reload, if still valid. */
  restore(): Promise<Session | null>;
  /** Starts signing in; `returnTo` is the page to come back to. */
  begin(returnTo: string): Promise<void>;
  /** Finishes a redirect sign-in on `/auth/callback`: the session and the page to go back to. */
  complete(): Promise<{ session: Session; returnTo: string }>;
  /** Forgets the session here (the API's sign-out-everywhere revokes refresh tokens on every device). */
  end(): Promise<void>;
}

export const session = signal<Session | null>(null);

let method: SignInMethod | undefined;

/** Set once at start: how `signOutHere` and an expired session reach the sign-in. */
export function useSignInMethod(m: SignInMethod): void {
  method = m;
}

/** Ends the session in this browser and stays on the page (managed login's sign-out comes back to `/`). */
export async function endSessionHere(): Promise<void> {
  session.value = null;
  await method?.end();
}

/** Ends the session in this browser, then back to the sign-in. */
export async function signOutHere(): Promise<void> {
  await endSessionHere();
  await method?.begin('/');
}

/** The claims the dashboard reads from a Cognito access token (its signature is the API's to check). */
export function sessionFromAccessToken(accessToken: string, email: string | null): Session {
  const payload = accessToken.split('.')[1] ?? '';
  const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; 'cognito:groups'?: string[] };
  return {
    accessToken,
    email,
    admin: (claims['cognito:groups'] ?? []).includes('admins'),
    expiresAt: claims.exp ?? 0,
  };
}

export function isLive(s: Session | null): s is Session {
  return s !== null && s.expiresAt * 1000 > Date.now();
}
