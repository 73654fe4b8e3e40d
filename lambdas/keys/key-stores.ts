import type { LimitReached } from '../accounts/plan-gates.js';
import type { ProviderId } from '../provider-ids.js';

/** The persistence ports the key services and the router adapters need; lambdas/store/accounts-*.ts implement them. */
export interface ProviderKeyRecord {
  readonly id: string;
  readonly provider: ProviderId;
  readonly name: string;
  /** Masked: the last 4 characters only (P2). */
  readonly hint: string;
  readonly baseUrl?: string;
  readonly createdAt: string;
  /** The AWS region of an IAM-authorised provider (bedrock); such keys hold no secret and so no ciphertext. */
  readonly region?: string;
  /** Envelope ciphertext bound to (accountId, id) and, from context version 2, to provider and baseUrl; see provider-key-context.ts. */
  readonly ciphertext?: string;
  /** Which encryption context the ciphertext was made under; absent on keys stored before the endpoint was bound. */
  readonly contextVersion?: number;
}

export interface ProviderKeyStore {
  /**
   * Writes the key and its name claim together, unless the account has `limit` keys already (LimitReached) or a key
   * of that name ('name_taken').
   */
  create(accountId: string, record: ProviderKeyRecord, limit: number): Promise<'created' | 'name_taken' | LimitReached>;
  list(accountId: string): Promise<ProviderKeyRecord[]>;
  findByName(accountId: string, name: string): Promise<ProviderKeyRecord | undefined>;
  /** The account's key with that id, read consistently. */
  get(accountId: string, id: string): Promise<ProviderKeyRecord | undefined>;
  /**
   * Replaces `before` with `after` (same id), moving the name claim when the name changes: 'changed' since the read
   * when someone else wrote the key first, 'name_taken', or the configs that keep the old name from going.
   */
  update(
    accountId: string,
    before: ProviderKeyRecord,
    after: ProviderKeyRecord,
  ): Promise<'updated' | 'absent' | 'changed' | 'name_taken' | { readonly usedBy: readonly string[] }>;
  /** False when the account has no key with that id; its name and the configs using it when they keep it from going. */
  remove(accountId: string, id: string): Promise<boolean | { readonly name: string; readonly usedBy: readonly string[] }>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly hint: string;
  /** SHA-256 (hex) of the raw key; the raw key is never stored. */
  readonly keyHash: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
  /** The routing config the key is bound to, by name. */
  readonly config?: string;
}

export type BindResult = { readonly status: 'bound'; readonly record: ApiKeyRecord } | { readonly status: 'absent' } | { readonly status: 'no_config' };

export interface ApiKeyStore {
  /** Writes the key and its hash lookup, unless the account has `limit` keys already. */
  create(accountId: string, record: ApiKeyRecord, limit: number): Promise<'created' | LimitReached>;
  list(accountId: string): Promise<ApiKeyRecord[]>;
  /** False when the account has no key with that id. */
  remove(accountId: string, id: string): Promise<boolean>;
  /** Renames the key; false when the account has no key with that id. */
  rename(accountId: string, id: string, name: string): Promise<ApiKeyRecord | undefined>;
  /** Binds the key to the account's config of that name (null unbinds); 'no_config' when there is no such config. */
  bindConfig(accountId: string, id: string, config: string | null): Promise<BindResult>;
  lookup(keyHash: string): Promise<{ accountId: string; apiKeyId: string; config?: string } | undefined>;
  /** Sets lastUsedAt to `now` unless it was set after `notAfter`; resolves false when it did not write. */
  touch(accountId: string, apiKeyId: string, now: string, notAfter: string): Promise<boolean>;
}
