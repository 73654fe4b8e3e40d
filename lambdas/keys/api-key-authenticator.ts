import type { ApiKeyAuthenticator, ApiKeyPrincipal } from '../gateway/ports.js';
import type { ApiKeyStore } from './key-stores.js';
import { hashApiKey, looksLikeApiKey } from './key-material.js';
import { TtlCache } from '../cache/ttl-cache.js';

export interface ApiKeyAuthenticatorOptions {
  /** Known keys are trusted this long; below 30 s so a revocation takes effect within 30 s everywhere. */
  readonly positiveTtlMs?: number;
  /** Unknown keys are refused from memory this long, so a flood of bad keys does not reach the table. */
  readonly negativeTtlMs?: number;
  readonly maxEntries?: number;
  /** lastUsedAt is written at most this often per key. */
  readonly touchIntervalMs?: number;
  readonly now?: () => number;
}

/** `Authorization: Bearer rk_…` → the key's account, via SHA-256 lookup and a bounded container cache. */
export function createApiKeyAuthenticator(store: ApiKeyStore, options: ApiKeyAuthenticatorOptions = {}): ApiKeyAuthenticator {
  const { positiveTtlMs = 25_000, negativeTtlMs = 3_000, maxEntries = 10_000, touchIntervalMs = 60_000, now = Date.now } = options;
  // Keyed by the hash, so the cache never holds a raw key.
  const cache = new TtlCache<string, ApiKeyPrincipal | undefined>({ maxEntries, now });
  const lastTouched = new TtlCache<string, number>({ maxEntries, now });

  return {
    async authenticate(rawKey) {
      if (!looksLikeApiKey(rawKey)) return undefined;
      const keyHash = hashApiKey(rawKey);
      const cached = cache.entry(keyHash);
      if (cached) return cached.value;
      // The lookup item carries the key's bound config too, so a principal costs one read.
      const principal = await store.lookup(keyHash);
      cache.set(keyHash, principal, principal ? positiveTtlMs : negativeTtlMs);
      return principal;
    },

    async touch(principal) {
      const at = now();
      if (lastTouched.has(principal.apiKeyId)) return;
      lastTouched.set(principal.apiKeyId, at, touchIntervalMs);
      try {
        await store.touch(principal.accountId, principal.apiKeyId, new Date(at).toISOString(), new Date(at - touchIntervalMs).toISOString());
      } catch {
        // Usage stamps are best effort: a failed write must never fail or slow a request.
      }
    },
  };
}
