/**
 * The privacy policy people accept (P24, P25): its current version, in one place. Bump it when the published policy
 * changes: everyone who accepted an older version is then flagged (`GET /v1/me` → `policyUpdate: true`) until they
 * accept this one, and self sign-up asks for this version.
 */
export const POLICY_VERSION = '2026-01-01';

/** The Cognito custom attributes self sign-up fills in (the managed login page asks both); `custom:` is Cognito's prefix. */
export const CONSENT_ATTRIBUTES = {
  /** 'true' when the person confirmed they are 13 or older. */
  over13: 'over13',
  /** The policy version they accepted at sign-up. */
  policyVersion: 'policy_version',
} as const;

/** An attribute's name as Cognito's API and tokens spell it. */
export function customAttribute(name: (typeof CONSENT_ATTRIBUTES)[keyof typeof CONSENT_ATTRIBUTES]): `custom:${string}` {
  return `custom:${name}`;
}

/** Where an account's consent came from: the sign-up form, the API, or `npm start`'s dev user. */
export const CONSENT_SOURCES = ['sign-up', 'api', 'local-dev'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** One acceptance of the policy by the account's user (the PROFILE item keeps the latest, CONSENT# items every one). */
export interface Consent {
  readonly policyVersion: string;
  /** Always true: nobody under 13 is accepted (P24). */
  readonly over13: true;
  readonly acceptedAt: string;
  readonly source: ConsentSource;
}
