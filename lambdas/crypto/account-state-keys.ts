import { TtlCache } from '../cache/ttl-cache.js';
import type { DataKeyProvider } from './data-key-provider.js';

/**
 * The encryption context of an account's state key (the key that seals Responses API state into the ids RouKey
 * gives clients). KMS checks it on GenerateDataKey and Decrypt, and the stack's IAM conditions (lib/keys.ts) allow
 * only this purpose with exactly these keys for the functions that seal state.
 */
export const RESPONSE_STATE_PURPOSE = 'roukey-response-state';
export const STATE_KEY_CONTEXT_KEYS = ['purpose', 'accountId'] as const;

/** An account's state key as stored: the data key wrapped by the keyring, never the key itself. */
export interface StoredStateKey {
  /** base64url of the wrapped data key. */
  readonly wrappedKey: string;
  /** Which keyring wrapped it: a key wrapped locally never opens in AWS and the other way round. */
  readonly keyring: DataKeyProvider['kind'];
}

/** Where state keys are kept (lambdas/store/accounts-state-keys.ts): one per account, made on first use. */
export interface StateKeyStore {
  get(accountId: string): Promise<StoredStateKey | undefined>;
  /** Stores `key` unless the account has one already; returns the one that stands. */
  putIfAbsent(accountId: string, key: StoredStateKey): Promise<StoredStateKey>;
}

/** The data key an account's sealed state is encrypted under; plaintext in memory only. */
export interface AccountStateKeys {
  forAccount(accountId: string): Promise<Uint8Array>;
}

export interface AccountStateKeysOptions {
  /** How long an unwrapped key stays in memory (≤ 5 min), sparing the keyring a call per request. */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/**
 * Envelope encryption at the account level: one data key per account, wrapped by KMS (or the local keyring) under
 * the account's context, stored on the account and created on first use. Deleting the account deletes the key, and
 * with it every id RouKey ever issued to that account.
 */
export function createAccountStateKeys(
  { store, dataKeys }: { store: StateKeyStore; dataKeys: DataKeyProvider },
  { ttlMs = 5 * 60_000, maxEntries = 5_000, now = Date.now }: AccountStateKeysOptions = {},
): AccountStateKeys {
  const keys = new TtlCache<string, Uint8Array>({ maxEntries, now });
  const context = (accountId: string) => ({ purpose: RESPONSE_STATE_PURPOSE, accountId });

  async function unwrap(accountId: string, stored: StoredStateKey): Promise<Uint8Array> {
    if (stored.keyring !== dataKeys.kind) throw new Error(`The account's state key was wrapped by the ${stored.keyring} keyring`);
    return dataKeys.decryptDataKey(Buffer.from(stored.wrappedKey, 'base64url'), context(accountId));
  }

  async function load(accountId: string): Promise<Uint8Array> {
    const stored = await store.get(accountId);
    if (stored) return unwrap(accountId, stored);
    const made = await dataKeys.generateDataKey(context(accountId));
    const wrappedKey = Buffer.from(made.encrypted).toString('base64url');
    const standing = await store.putIfAbsent(accountId, { wrappedKey, keyring: dataKeys.kind });
    // Another container made the account's key first: theirs stands.
    return standing.wrappedKey === wrappedKey ? made.plaintext : unwrap(accountId, standing);
  }

  return {
    async forAccount(accountId) {
      const cached = keys.get(accountId);
      if (cached) return cached;
      const key = await load(accountId);
      keys.set(accountId, key, ttlMs);
      return key;
    },
  };
}
