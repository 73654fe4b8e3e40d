import { TtlCache } from '../cache/ttl-cache.js';
import { catalogModels } from '../catalog/index.js';
import { providerAdapter } from '../providers/registry.js';
import type { UpstreamCredentials, UpstreamModel } from '../providers/types.js';
import { CONFIG_MODEL_PREFIX } from '../routing/config-schema.js';
import type { GatewayDeps } from './deps.js';
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

/**
 * The models an account can route to: its routing configs (`roukey/<name>`), then every provider key's upstream model list, fetched in parallel with a
 * short timeout (a failing upstream is listed from the catalog), prefixed with the key's name, cached per account briefly.
 */
export function createModelLister(deps: Pick<GatewayDeps, 'providerKeys' | 'assertSafeBaseUrl' | 'timeouts' | 'routing'>, now: () => number = Date.now) {
  const cache = new TtlCache<string, ListedModel[]>({ maxEntries: MAX_CACHED_ACCOUNTS, now });

  async function modelsOf(credentials: UpstreamCredentials): Promise<ListedModel[]> {
    try {
      if (credentials.baseUrl !== undefined) await deps.assertSafeBaseUrl(credentials.baseUrl);
    } catch {
      return []; // a key the router would refuse to call offers no models
    }
    const upstream = await fetchModels(credentials);
    // An upstream without a usable list (down, slow, or none at all) is listed from the catalog instead.
    return upstream.length > 0 ? upstream : catalogModels(credentials.provider).map((entry) => listed(credentials, { id: entry.model }));
  }

  async function fetchModels(credentials: UpstreamCredentials): Promise<ListedModel[]> {
    try {
      const adapter = providerAdapter(credentials.provider);
      const request = adapter.modelsRequest(credentials);
      const response = await sendUpstream(request, AbortSignal.timeout(deps.timeouts.modelsMs));
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
    const [keys, configNames] = await Promise.all([deps.providerKeys.all(accountId), deps.routing.store.configNames(accountId)]);
    // The account's configs first: `roukey/<config>` is a model a client can name like any other.
    const configs = configNames.map((name): ListedModel => ({ id: `${CONFIG_MODEL_PREFIX}${name}`, object: 'model', created: 0, owned_by: 'roukey' }));
    const models = [...configs, ...(await Promise.all(keys.map(modelsOf))).flat()];
    cache.set(accountId, models, CACHE_MS);
    return models;
  };
}

function listed(credentials: UpstreamCredentials, model: UpstreamModel): ListedModel {
  return { id: `${credentials.name}/${model.id}`, object: 'model', created: model.created ?? 0, owned_by: model.ownedBy ?? credentials.provider };
}
