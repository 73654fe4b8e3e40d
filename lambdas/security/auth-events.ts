/**
 * Sign-in events the user pool records per user (Cognito's threat protection, Plus feature plan: P8), shown beside
 * RouKey's own security events. Cognito keeps them; RouKey stores none of them.
 */
export const AUTH_EVENT_KINDS = ['sign_in', 'sign_in_failed', 'sign_up', 'password_reset', 'password_change', 'auth_other'] as const;
export type AuthEventKind = (typeof AUTH_EVENT_KINDS)[number];

export interface AuthEvent {
  readonly time: string;
  readonly kind: AuthEventKind;
  /** Cognito's event type as it names it (`SignIn`, `ForgotPassword`, …). */
  readonly code?: string;
  readonly sourceIp?: string;
  readonly device?: string;
  readonly city?: string;
  readonly country?: string;
  readonly risk?: { readonly level?: string; readonly decision?: string; readonly compromisedCredentials?: boolean };
}

export interface AuthEventSource {
  /**
   * The user's events with `from <= time <= to` (epoch ms), newest first, at most `max`. Resolves [] where the pool
   * keeps none (the Essentials plan, cognito-local).
   */
  list(username: string, range: { from: number; to: number }, max: number): Promise<AuthEvent[]>;
}

/** Cognito's event type and response as one of AUTH_EVENT_KINDS. */
export function authEventKind(type: string | undefined, response: string | undefined): AuthEventKind {
  if (type === 'SignIn') return response === 'Fail' ? 'sign_in_failed' : 'sign_in';
  if (type === 'SignUp') return 'sign_up';
  if (type === 'ForgotPassword') return 'password_reset';
  if (type === 'PasswordChange') return 'password_change';
  return 'auth_other';
}
