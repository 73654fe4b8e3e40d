import type { ProviderId } from '../providers/provider-ids.js';

/**
 * What the router needs from the rest of RouKey. The gateway owns these interfaces; `lambdas/keys/` and
 * `lambdas/store/` implement them against DynamoDB and KMS.
 */
export interface ApiKeyPrincipal {
  readonly accountId: string;
  readonly apiKeyId: string;
}

export interface ApiKeyAuthenticator {
  /** The key's owner, or undefined for an unknown or revoked key. Revocation takes effect within 30 s. */
  authenticate(rawKey: string): Promise<ApiKeyPrincipal | undefined>;
  /** Records use of the key, at most once a minute per key; never on the response path. */
  touch(principal: ApiKeyPrincipal): Promise<void>;
}

/** A provider key ready to call its upstream with. `apiKey` is plaintext: memory only, never logged or returned. */
export interface UpstreamCredentials {
  readonly providerKeyId: string;
  readonly name: string;
  readonly provider: ProviderId;
  readonly baseUrl?: string;
  /** The AWS region of an IAM-authorised provider (bedrock), whose `apiKey` is empty. */
  readonly region?: string;
  readonly apiKey: string;
}

export interface ProviderKeyResolver {
  /** The account's provider key by its name, decrypted; undefined when the account has none by that name. */
  byName(accountId: string, name: string): Promise<UpstreamCredentials | undefined>;
  /** All of the account's provider keys, decrypted (for `GET /v1/models`). */
  all(accountId: string): Promise<UpstreamCredentials[]>;
}
