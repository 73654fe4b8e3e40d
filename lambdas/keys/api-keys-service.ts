import { planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { invalidField } from '../configs/references.js';
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
  /** The routing config the key is bound to, for requests that name none. */
  readonly config: string | null;
}

/** Returned once, at creation: the only time the raw key exists outside the caller. */
export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly key: string;
  readonly createdAt: string;
}

export interface ApiKeysService {
  /** A new key, within the plan's `apiKeys` (P15). */
  create(accountId: string, input: CreateApiKeyInput, plan: AccountPlan): Promise<CreatedApiKey>;
  list(accountId: string): Promise<ApiKeyView[]>;
  /** Revocation: the router's caches forget the key within 30 s. */
  revoke(accountId: string, id: string): Promise<void>;
  /** Binds the key to a config of the account (null unbinds); the router sees the change within 30 s. */
  bindConfig(accountId: string, id: string, config: string | null): Promise<ApiKeyView>;
}

export function createApiKeysService({ store, now = Date.now }: { store: ApiKeyStore; now?: () => number }): ApiKeysService {
  return {
    async create(accountId, input, plan) {
      const key = newApiKey();
      const record: ApiKeyRecord = {
        id: newId('key'),
        name: input.name,
        hint: apiKeyHint(key),
        keyHash: hashApiKey(key),
        createdAt: new Date(now()).toISOString(),
      };
      const created = await store.create(accountId, record, plan.limits.apiKeys);
      if (created !== 'created') throw planLimitReached(plan, 'apiKeys', created.count);
      return { id: record.id, name: record.name, key, createdAt: record.createdAt };
    },

    async list(accountId) {
      const records = await store.list(accountId);
      return records.map(toView).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async revoke(accountId, id) {
      if (!API_KEY_ID.test(id) || !(await store.remove(accountId, id))) throw notFound();
    },

    async bindConfig(accountId, id, config) {
      const result = API_KEY_ID.test(id) ? await store.bindConfig(accountId, id, config) : { status: 'absent' as const };
      if (result.status === 'absent') throw notFound();
      if (result.status === 'no_config') throw invalidField('config', `this account has no config named '${config}'.`);
      return toView(result.record);
    },
  };
}

function toView(r: ApiKeyRecord): ApiKeyView {
  return { id: r.id, name: r.name, hint: r.hint, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null, config: r.config ?? null };
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such API key.', { param: 'id' });
}
