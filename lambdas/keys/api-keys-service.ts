import { ApiError } from '../http/errors.js';
import type { CreateApiKeyInput } from './key-schemas.js';
import { API_KEY_ID } from './key-schemas.js';
import type { ApiKeyRecord, ApiKeyStore } from './key-stores.js';
import { apiKeyHint, hashApiKey, newApiKey, newId } from './key-material.js';

export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly hint: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/** Returned once, at creation: the only time the raw key exists outside the caller. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly createdAt: string;
}

export interface ApiKeysService {
  create(accountId: string, input: CreateApiKeyInput): Promise<CreatedApiKey>;
  list(accountId: string): Promise<ApiKeyView[]>;
  /** Revocation: the router's caches forget the key within 30 s. */
  revoke(accountId: string, id: string): Promise<void>;
}

export function createApiKeysService({ store, now = Date.now }: { store: ApiKeyStore; now?: () => number }): ApiKeysService {
  return {
    async create(accountId, input) {
      const key = newApiKey();
      const record: ApiKeyRecord = { id: newId('key'), name: input.name, hint: apiKeyHint(key), keyHash: hashApiKey(key), createdAt: new Date(now()).toISOString() };
      await store.create(accountId, record);
      return { id: record.id, name: record.name, key, createdAt: record.createdAt };
    },

    async list(accountId) {
      const records = await store.list(accountId);
      return records
        .map((r) => ({ id: r.id, name: r.name, hint: r.hint, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null }))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async revoke(accountId, id) {
      if (!API_KEY_ID.test(id) || !(await store.remove(accountId, id))) throw new ApiError('not_found', 'No such API key.', { param: 'id' });
    },
  };
}
