/**
 * The identity providers people can sign in with besides a password, as Cognito names them (the user pool's
 * identity provider names, also the prefix of a federated user's Cognito username: `GitHub_12345`).
 */
export const FEDERATED_PROVIDERS = { google: 'Google', github: 'GitHub' } as const;

export type FederatedProviderName = (typeof FEDERATED_PROVIDERS)[keyof typeof FEDERATED_PROVIDERS];

const NAMES: readonly FederatedProviderName[] = Object.values(FEDERATED_PROVIDERS);

export interface FederatedIdentity {
  readonly providerName: FederatedProviderName;
  /** The provider's own id of the person (Google's `sub`, GitHub's numeric user id). */
  readonly providerUserId: string;
}

/**
 * The provider and its user id from a federated Cognito username. Cognito has been seen to lower-case the provider
 * part (`google_…`), so it is matched without case and returned as the provider's configured name.
 */
export function parseFederatedUsername(username: string): FederatedIdentity | undefined {
  const cut = username.indexOf('_');
  if (cut <= 0 || cut === username.length - 1) return undefined;
  const prefix = username.slice(0, cut).toLowerCase();
  const providerName = NAMES.find((name) => name.toLowerCase() === prefix);
  return providerName ? { providerName, providerUserId: username.slice(cut + 1) } : undefined;
}
