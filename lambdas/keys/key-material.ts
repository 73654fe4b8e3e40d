import { hash, randomBytes } from 'node:crypto';

/** Random, unguessable ids (128 bits, base64url) with a readable prefix. */
export function newId(prefix: 'acc' | 'pk' | 'key' | 'exp' | 'del' | 'upd'): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

export const API_KEY_PREFIX = 'rk_';

/** A new RouKey API key: `rk_` + 32 random bytes, base64url (43 characters). */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and looked up instead of the key itself. */
export function hashApiKey(rawKey: string): string {
  return hash('sha256', rawKey, 'hex');
}

/** Shape check before any lookup, so garbage never costs a database read. */
export function looksLikeApiKey(rawKey: string): boolean {
  return /^rk_[A-Za-z0-9_-]{43}$/.test(rawKey);
}

/** `rk_AbCd…`: enough to recognise a key in a list, far too little to use it. */
export function apiKeyHint(rawKey: string): string {
  return `${rawKey.slice(0, API_KEY_PREFIX.length + 4)}…`;
}

/** `…abcd`: the last 4 characters of a provider key (P2). */
export function providerKeyHint(apiKey: string): string {
  return `…${apiKey.slice(-4)}`;
}
