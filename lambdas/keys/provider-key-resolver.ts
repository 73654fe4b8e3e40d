import type { ProviderKeyResolver } from '../gateway/ports.js';
import type { UpstreamCredentials } from '../providers/types.js';
import type { EnvelopeCipher } from '../crypto/envelope-cipher.js';
import type { ProviderId } from '../provider-ids.js';
import type { ProviderKeyRecord, ProviderKeyStore } from './key-stores.js';
import { sameContext, storedKeyContext } from './provider-key-context.js';
import { TtlCache } from '../cache/ttl-cache.js';

export interface ProviderKeyResolverOptions {
  /** How long a looked-up key record is reused; short, so new and deleted keys show up quickly. */
  readonly recordTtlMs?: number;
  /** How long a decrypted plaintext stays in memory (≤ 5 min), sparing KMS calls. */
  readonly plaintextTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Where the resolver reads provider keys, and how it decrypts them. */
export interface ProviderKeySource {
  readonly store: ProviderKeyStore;
  readonly cipher: EnvelopeCipher;
}

interface AccountKeys {
  readonly records: readonly ProviderKeyRecord[];
  readonly byName: ReadonlyMap<string, ProviderKeyRecord>;
  readonly providers: ReadonlyMap<string, ProviderId>;
}

/** The router's view of provider keys: decrypted on demand, plaintext cached in memory only, never logged. */
export function createProviderKeyResolver({ store, cipher }: ProviderKeySource, options: ProviderKeyResolverOptions = {}): ProviderKeyResolver {
  const { recordTtlMs = 20_000, plaintextTtlMs = 5 * 60_000, maxEntries = 5_000, now = Date.now } = options;
  const byNameCache = new TtlCache<string, ProviderKeyRecord | undefined>({ maxEntries, now });
  // An account's whole key list, read once for `list` and `providers`, and then serving `byName` too.
  const listCache = new TtlCache<string, AccountKeys>({ maxEntries: Math.max(1, Math.floor(maxEntries / 10)), now });
  // Keyed by the ciphertext itself: envelope encryption never makes the same one twice, so a replaced key is never
  // answered with an old plaintext, and each entry keeps the account and record it was decrypted for: it serves only
  // a record that would open under the same context (a baseUrl changed in the table misses and fails to decrypt).
  // The cached record's ciphertext is one string object from hit to hit, which V8 hashes once, where a digest of it
  // would be computed per request.
  const plaintexts = new TtlCache<string, { readonly accountId: string; readonly record: ProviderKeyRecord; readonly apiKey: string }>({ maxEntries, now });
  // The ciphertext each key's cached plaintext came from: when a rotated or re-pointed key's new record arrives, the
  // old plaintext leaves memory at once instead of when its entry expires.
  const cipherOfKey = new TtlCache<string, string>({ maxEntries, now });

  async function accountKeys(accountId: string): Promise<AccountKeys> {
    let keys = listCache.get(accountId);
    if (!keys) {
      const records = await store.list(accountId);
      keys = { records, byName: new Map(records.map((r) => [r.name, r])), providers: new Map(records.map((r) => [r.name, r.provider])) };
      listCache.set(accountId, keys, recordTtlMs);
    }
    return keys;
  }

  async function credentials(accountId: string, record: ProviderKeyRecord): Promise<UpstreamCredentials> {
    // IAM-authorised providers (bedrock) have no secret to decrypt.
    if (record.ciphertext === undefined) return { providerKeyId: record.id, name: record.name, provider: record.provider, region: record.region, apiKey: '' };
    const cached = plaintexts.get(record.ciphertext);
    let apiKey = cached && sameContext(cached.accountId, cached.record, accountId, record) ? cached.apiKey : undefined;
    if (apiKey === undefined) {
      apiKey = await cipher.decrypt(record.ciphertext, storedKeyContext(accountId, record));
      const keyId = `${accountId}#${record.id}`;
      const previous = cipherOfKey.get(keyId);
      if (previous !== undefined && previous !== record.ciphertext) plaintexts.delete(previous);
      plaintexts.set(record.ciphertext, { accountId, record, apiKey }, plaintextTtlMs);
      cipherOfKey.set(keyId, record.ciphertext, plaintextTtlMs);
    }
    return { providerKeyId: record.id, name: record.name, provider: record.provider, baseUrl: record.baseUrl, apiKey };
  }

  return {
    async byName(accountId, name) {
      // A listed key needs no read of its own; a name not in the list may have been created since: look it up.
      const listed = listCache.get(accountId)?.byName.get(name);
      if (listed) return credentials(accountId, listed);
      const cacheKey = `${accountId}#${name}`;
      const cached = byNameCache.entry(cacheKey);
      let record = cached?.value;
      if (!cached) {
        record = await store.findByName(accountId, name);
        // Misses expire fast: a key created a moment ago should be usable right away.
        byNameCache.set(cacheKey, record, record ? recordTtlMs : Math.min(recordTtlMs, 2_000));
      }
      return record ? credentials(accountId, record) : undefined;
    },

    async list(accountId) {
      return (await accountKeys(accountId)).records.map((r) => ({ providerKeyId: r.id, name: r.name, provider: r.provider }));
    },

    async providers(accountId, expected = []) {
      const cached = await accountKeys(accountId);
      if (expected.every((name) => cached.providers.has(name))) return cached.providers;
      listCache.delete(accountId);
      return (await accountKeys(accountId)).providers;
    },
  };
}
