import { providerKeyContext, type ProviderKeyContext } from '../crypto/encryption-context.js';
import { ApiError } from '../http/errors.js';
import type { ProviderKeyRecord } from './key-stores.js';

/**
 * Version 2 of a provider key's encryption context binds its endpoint (provider and baseUrl) besides its account and
 * id, so whoever can write the table cannot point a key at another host and have RouKey decrypt it for that host.
 */
export const ENDPOINT_BOUND_CONTEXT = 2;

type Binding = Pick<ProviderKeyRecord, 'id' | 'provider' | 'baseUrl' | 'contextVersion'>;

/**
 * The context a stored key's ciphertext opens under. Keys stored before the binding (no contextVersion) still open
 * under the old context, but only without a baseUrl: then they can only go to their provider's public host. One that
 * has a baseUrl is refused before any decryption, because nothing proves the baseUrl is the one its owner gave; its
 * owner creates it again. (Re-binding it on a later write would bind whatever the table says at that moment.)
 */
export function storedKeyContext(accountId: string, record: Binding & Pick<ProviderKeyRecord, 'name'>): ProviderKeyContext {
  if (record.contextVersion === undefined) {
    if (record.baseUrl !== undefined) {
      throw new ApiError(
        'provider_auth_failed',
        `Provider key '${record.name}' was stored before RouKey bound keys to their baseUrl; create it again to use it.`,
        {
          code: 'provider_key_unbound',
        },
      );
    }
    return providerKeyContext(accountId, record.id);
  }
  return providerKeyContext(accountId, record.id, record);
}

/** Whether two records open under the same context, so a plaintext decrypted for one may serve the other. */
export function sameContext(accountA: string, a: Binding, accountB: string, b: Binding): boolean {
  return accountA === accountB && a.id === b.id && a.provider === b.provider && a.baseUrl === b.baseUrl && a.contextVersion === b.contextVersion;
}
