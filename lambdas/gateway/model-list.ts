import { TtlCache } from '../cache/ttl-cache.js';
import { catalogModels } from '../catalog/index.js';
import { providerAdapter } from '../providers/registry.js';
import type { UpstreamCredentials, UpstreamModel } from '../providers/types.js';
import { CONFIG_MODEL_PREFIX } from '../routing/config-schema.js';
import type { GatewayDeps } from './deps.js';
import type { ProviderKeyRef } from './ports.js';
import { sendUpstream } from './transport/upstream-http.js';

/** One entry of `GET /v1/models`, in OpenAI's Model shape. */
export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

const CACHE_MS = 60_000;
const MAX_CACHED_ACCOUNTS = 500;
/** Provider keys asked at once: each may cost a decryption and an upstream call. */
const KEYS_AT_ONCE = 8;
/**
 * The whole listing takes at most this many per-key timeouts, whatever the number of keys: keys not reached by
 * then are listed from the catalog without a call. Inside API Gateway's 29 s integration timeout.
 */
const LISTING_ROUNDS = 3;

/**
 * The models an account can route to: its routing configs (`roukey/<name>`), then every provider key's upstream
 * model list, prefixed with the key's name and cached per account briefly. Keys are asked a few at a time, each
 * with a short timeout and the whole within a budget; an upstream that fails, is slow or is not reached in time is
 * listed from the catalog. A key that cannot be opened (it fails to decrypt) is left out and logged by its id, so
 * one bad key does not break the listing.
 */
export function createModelLister(
  deps: Pick<GatewayDeps, 'providerKeys' | 'assertSafeBaseUrl' | 'timeouts' | 'bounds' | 'routing' | 'log'>,
  now: () => number = Date.now,
) {
  const cache = new TtlCache<string, ListedModel[]>({ maxEntries: MAX_CACHED_ACCOUNTS, now });

  async function modelsOf(accountId: string, key: ProviderKeyRef, deadline: number): Promise<ListedModel[]> {
    const catalog = () => catalogModels(key.provider).map((entry) => listed(key, { id: entry.model }));
    if (now() >= deadline) return catalog();
    let credentials: UpstreamCredentials | undefined;
    try {
      credentials = await deps.providerKeys.byName(accountId, key.name);
    } catch {
      deps.log({ level: 'warn', msg: 'provider key left out of the model list: it could not be opened', providerKeyId: key.providerKeyId });
      return [];
    }
    if (!credentials) return []; // deleted since it was listed
    try {
      if (credentials.baseUrl !== undefined) await deps.assertSafeBaseUrl(credentials.baseUrl);
    } catch {
      return []; // a key the router would refuse to call offers no models
    }
    const upstream = await fetchModels(credentials, Math.min(deps.timeouts.modelsMs, deadline - now()));
    // An upstream without a usable list (down, slow, or none at all) is listed from the catalog instead.
    return upstream.length > 0 ? upstream : catalog();
  }

  async function fetchModels(credentials: UpstreamCredentials, timeoutMs: number): Promise<ListedModel[]> {
    try {
      const adapter = providerAdapter(credentials.provider);
      const request = adapter.modelsRequest(credentials);
      const response = await sendUpstream(request, AbortSignal.timeout(Math.max(1, timeoutMs)), deps.bounds.answerBytes);
      if (response.status !== 200) {
        response.discard();
        return [];
      }
      const models = await adapter.readModels(response);
      return models.map((m) => listed(credentials, m));
    } catch {
      return [];
    }
  }

  return async function listModels(accountId: string): Promise<ListedModel[]> {
    const hit = cache.get(accountId);
    if (hit) return hit;
    const deadline = now() + LISTING_ROUNDS * deps.timeouts.modelsMs;
    const [keys, configNames] = await Promise.all([deps.providerKeys.list(accountId), deps.routing.store.configNames(accountId)]);
    // The account's configs first: `roukey/<config>` is a model a client can name like any other.
    const configs = configNames.map((name): ListedModel => ({ id: `${CONFIG_MODEL_PREFIX}${name}`, object: 'model', created: 0, owned_by: 'roukey' }));
    const perKey = await mapAtMost(keys, KEYS_AT_ONCE, (key) => modelsOf(accountId, key, deadline));
    const models = [...configs, ...perKey.flat()];
    cache.set(accountId, models, CACHE_MS);
    return models;
  };
}

/** `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapAtMost<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function listed(key: Pick<UpstreamCredentials, 'name' | 'provider'>, model: UpstreamModel): ListedModel {
  return { id: `${key.name}/${model.id}`, object: 'model', created: model.created ?? 0, owned_by: model.ownedBy ?? key.provider };
}
