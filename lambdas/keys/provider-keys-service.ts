import { assertProviderKeyAllowed, planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { RESERVED_PROVIDER_KEY_NAME, invalidField } from '../configs/references.js';
import type { EnvelopeCipher } from '../crypto/envelope-cipher.js';
import { ApiError } from '../http/errors.js';
import type { ProviderId } from '../provider-ids.js';
import { CONFIG_MODEL_PREFIX } from '../routing/config-schema.js';
import { azureBaseUrlWithVersion } from '../providers/openai/api.js';
import type { CreateProviderKeyInput } from './key-schemas.js';
import { PROVIDER_KEY_ID } from './key-schemas.js';
import type { ProviderKeyRecord, ProviderKeyStore } from './key-stores.js';
import { newId, providerKeyHint } from './key-material.js';
import { ENDPOINT_BOUND_CONTEXT, storedKeyContext } from './provider-key-context.js';

/** What clients see of a provider key: never the key, never its ciphertext (P2). */
export interface ProviderKeyView {
  readonly id: string;
  readonly provider: ProviderId;
  readonly name: string;
  readonly hint: string;
  readonly baseUrl: string | null;
  /** Only on IAM-authorised keys (bedrock). */
  readonly region?: string;
  readonly createdAt: string;
}

export interface ProviderKeysService {
  /** A new key, within the plan's `providerKeys` and features (`bedrock`, `customBaseUrls`) (P15). */
  create(accountId: string, input: CreateProviderKeyInput, plan: AccountPlan): Promise<ProviderKeyView>;
  list(accountId: string): Promise<ProviderKeyView[]>;
  remove(accountId: string, id: string): Promise<void>;
}

export interface ProviderKeysDeps {
  readonly store: ProviderKeyStore;
  readonly cipher: EnvelopeCipher;
  /** The SSRF guard (base-url-guard.ts), bound to this runtime's loopback setting. */
  readonly checkBaseUrl: (url: string) => Promise<URL>;
  readonly now?: () => number;
}

export function createProviderKeysService({ store, cipher, checkBaseUrl, now = Date.now }: ProviderKeysDeps): ProviderKeysService {
  return {
    async create(accountId, input, plan) {
      assertProviderKeyAllowed(plan, input);
      if (input.name === RESERVED_PROVIDER_KEY_NAME)
        throw invalidField('name', `'${RESERVED_PROVIDER_KEY_NAME}' is reserved: requests name configs as "${CONFIG_MODEL_PREFIX}<config name>".`);
      if (input.baseUrl !== undefined) await checkBaseUrl(input.baseUrl);
      const id = newId('pk');
      // Azure's api-version rides on the endpoint as its query parameter, the way Azure addresses versions.
      const baseUrl = input.baseUrl !== undefined && input.apiVersion !== undefined ? azureBaseUrlWithVersion(input.baseUrl, input.apiVersion) : input.baseUrl;
      const fields: ProviderKeyRecord = {
        id,
        provider: input.provider,
        name: input.name ?? input.provider,
        // A bedrock key holds no secret (the schema guarantees apiKey for every other provider): nothing to hint or encrypt.
        hint: input.apiKey === undefined ? '' : providerKeyHint(input.apiKey),
        baseUrl,
        region: input.region,
        createdAt: new Date(now()).toISOString(),
        contextVersion: input.apiKey === undefined ? undefined : ENDPOINT_BOUND_CONTEXT,
      };
      const record: ProviderKeyRecord =
        input.apiKey === undefined ? fields : { ...fields, ciphertext: await cipher.encrypt(input.apiKey, storedKeyContext(accountId, fields)) };
      const created = await store.create(accountId, record, plan.limits.providerKeys);
      if (created === 'name_taken') throw new ApiError('conflict', `A provider key named '${record.name}' already exists.`, { param: 'name' });
      if (created !== 'created') throw planLimitReached(plan, 'providerKeys', created.count);
      return toView(record);
    },

    async list(accountId) {
      const records = await store.list(accountId);
      return records.map(toView).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async remove(accountId, id) {
      // Another account's id and a made-up id look the same: 404 (P23).
      const removed = PROVIDER_KEY_ID.test(id) && (await store.remove(accountId, id));
      if (!removed) throw new ApiError('not_found', 'No such provider key.', { param: 'id' });
      if (removed !== true) {
        throw new ApiError('conflict', `Provider key '${removed.name}' is used by configs: ${removed.usedBy.join(', ')}. Remove it from them first.`);
      }
    },
  };
}

function toView(record: ProviderKeyRecord): ProviderKeyView {
  return {
    id: record.id,
    provider: record.provider,
    name: record.name,
    hint: record.hint,
    baseUrl: record.baseUrl ?? null,
    ...(record.region !== undefined ? { region: record.region } : {}),
    createdAt: record.createdAt,
  };
}
