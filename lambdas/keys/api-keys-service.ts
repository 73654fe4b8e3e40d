import { planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { invalidField } from '../configs/references.js';
import { ApiError } from '../http/errors.js';
import type { CreateApiKeyInput, UpdateApiKeyInput } from './key-schemas.js';
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
  /** Renames the key and binds it to a config of the account (null unbinds); the router sees a binding within 30 s. */
  update(accountId: string, id: string, input: UpdateApiKeyInput): Promise<ApiKeyView>;
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

    async update(accountId, id, { name, config }) {
      if (!API_KEY_ID.test(id)) throw notFound();
      let record: ApiKeyRecord | undefined;
      if (config !== undefined) {
        const result = await store.bindConfig(accountId, id, config);
        if (result.status === 'absent') throw notFound();
        if (result.status === 'no_config') throw invalidField('config', `this account has no config named '${config}'.`);
        record = result.record;
      }
      if (name !== undefined) record = await store.rename(accountId, id, name);
      if (!record) throw notFound();
      return toView(record);
    },
  };
}

function toView(r: ApiKeyRecord): ApiKeyView {
  return { id: r.id, name: r.name, hint: r.hint, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt ?? null, config: r.config ?? null };
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such API key.', { param: 'id' });
}
