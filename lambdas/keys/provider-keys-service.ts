import { assertProviderKeyAllowed, planLimitReached, type AccountPlan } from '../accounts/plan-gates.js';
import { RESERVED_PROVIDER_KEY_NAME, invalidField } from '../configs/references.js';
import type { EnvelopeCipher } from '../crypto/envelope-cipher.js';
import { ApiError } from '../http/errors.js';
import type { ProviderId } from '../provider-ids.js';
import { CONFIG_MODEL_PREFIX } from '../routing/config-schema.js';
import { azureBaseUrlWithVersion } from '../providers/openai/api.js';
import { openAiPreset } from '../providers/openai/presets.js';
import type { CreateProviderKeyInput, UpdateProviderKeyInput } from './key-schemas.js';
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
  /**
   * Corrects a key (P19): renamed (refused with the configs' names while configs use it), rotated (a new secret) or
   * re-pointed (a new baseUrl, under the SSRF guard and the plan's features). Whenever the secret or its endpoint
   * changes, it is encrypted anew under a context bound to the new endpoint; routers pick up the new ciphertext
   * within their record cache's lifetime and drop the old plaintext then (provider-key-resolver.ts).
   */
  update(accountId: string, id: string, input: UpdateProviderKeyInput, plan: AccountPlan): Promise<ProviderKeyView>;
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
      assertNameAllowed(input.name);
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

    async update(accountId, id, input, plan) {
      const before = PROVIDER_KEY_ID.test(id) ? await store.get(accountId, id) : undefined;
      if (!before) throw notFound();
      const after = await corrected(accountId, before, input, plan);
      const outcome = await store.update(accountId, before, after);
      if (outcome === 'absent') throw notFound();
      if (outcome === 'changed') throw new ApiError('conflict', 'The provider key was changed by another request meanwhile; read it again and retry.');
      if (outcome === 'name_taken') throw new ApiError('conflict', `A provider key named '${after.name}' already exists.`, { param: 'name' });
      if (outcome !== 'updated') {
        throw new ApiError(
          'conflict',
          `Provider key '${before.name}' is used by configs: ${outcome.usedBy.join(', ')}. Point them at another key before renaming it.`,
          {
            param: 'name',
          },
        );
      }
      return toView(after);
    },

    async remove(accountId, id) {
      // Another account's id and a made-up id look the same: 404 (P23).
      const removed = PROVIDER_KEY_ID.test(id) && (await store.remove(accountId, id));
      if (!removed) throw notFound();
      if (removed !== true) {
        throw new ApiError('conflict', `Provider key '${removed.name}' is used by configs: ${removed.usedBy.join(', ')}. Remove it from them first.`);
      }
    },
  };

  /** The record after `input`: each field checked as on create, the secret encrypted anew when it or its endpoint changes. */
  async function corrected(accountId: string, before: ProviderKeyRecord, input: UpdateProviderKeyInput, plan: AccountPlan): Promise<ProviderKeyRecord> {
    const bedrock = before.provider === 'bedrock';
    if (bedrock) {
      for (const field of ['apiKey', 'baseUrl', 'apiVersion'] as const) {
        if (input[field] !== undefined) throw invalidField(field, "is not accepted for bedrock provider keys (the deployment's IAM role is used).");
      }
    } else if (input.region !== undefined) throw invalidField('region', 'is only accepted for bedrock provider keys.');
    if (input.apiVersion !== undefined && before.provider !== 'azure') throw invalidField('apiVersion', 'is only accepted for azure provider keys.');
    if (input.name !== undefined) assertNameAllowed(input.name);

    let baseUrl = input.baseUrl === null ? undefined : (input.baseUrl ?? before.baseUrl);
    const preset = openAiPreset(before.provider);
    // Presets without a public endpoint (azure, custom) only work with the key's own.
    if (input.baseUrl === null && preset !== undefined && preset.baseUrl === undefined) {
      throw invalidField('baseUrl', `is required for ${before.provider} provider keys.`);
    }
    if (input.baseUrl !== undefined && input.baseUrl !== null) {
      assertProviderKeyAllowed(plan, { provider: before.provider, baseUrl: input.baseUrl });
      await checkBaseUrl(input.baseUrl);
    }
    if (input.apiVersion !== undefined && baseUrl !== undefined) baseUrl = azureBaseUrlWithVersion(baseUrl, input.apiVersion);

    const { baseUrl: _old, ...rest } = before;
    const fields: ProviderKeyRecord = {
      ...rest,
      ...(baseUrl === undefined ? {} : { baseUrl }),
      name: input.name ?? before.name,
      ...(input.region === undefined ? {} : { region: input.region }),
    };
    if (bedrock || (input.apiKey === undefined && baseUrl === before.baseUrl)) return fields;
    const secret = input.apiKey ?? (await cipher.decrypt(requireCiphertext(before), storedKeyContext(accountId, before)));
    const next: ProviderKeyRecord = { ...fields, hint: providerKeyHint(secret), contextVersion: ENDPOINT_BOUND_CONTEXT };
    return { ...next, ciphertext: await cipher.encrypt(secret, storedKeyContext(accountId, next)) };
  }
}

function assertNameAllowed(name: string | undefined): void {
  if (name === RESERVED_PROVIDER_KEY_NAME)
    throw invalidField('name', `'${RESERVED_PROVIDER_KEY_NAME}' is reserved: requests name configs as "${CONFIG_MODEL_PREFIX}<config name>".`);
}

function requireCiphertext(record: ProviderKeyRecord): string {
  if (record.ciphertext === undefined) throw new Error('A provider key with a secret has no ciphertext');
  return record.ciphertext;
}

function notFound(): ApiError {
  return new ApiError('not_found', 'No such provider key.', { param: 'id' });
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
