import { createApiKeyAuthenticator } from '../keys/api-key-authenticator.js';
import { routerBaseUrlGuard } from '../keys/base-url-guard.js';
import { createProviderKeyResolver } from '../keys/provider-key-resolver.js';
import { runtimeConfig } from '../runtime-config.js';
import { createActivityRepo, installedActivityWriter } from '../store/activity-repo.js';
import { createDocumentClient } from '../store/dynamo.js';
import { serviceLogger } from '../http/logger.js';
import { createRoutingStore } from '../configs/routing-store.js';
import { TargetHealth } from '../routing/target-health.js';
import { DEFAULT_TIMEOUTS, type GatewayDeps } from './deps.js';
import { allowLoopbackUpstreams } from './transport/upstream-http.js';

let deps: GatewayDeps | undefined;

/** The router's services, wired once per container on first use (config is read then, not at import). */
export function gatewayDeps(): GatewayDeps {
  if (deps) return deps;
  const config = runtimeConfig();
  const allowLoopback = config.allowLoopbackBaseUrl;
  allowLoopbackUpstreams(allowLoopback);
  const logger = serviceLogger('roukey-router');
  deps = {
    authenticator: createApiKeyAuthenticator(config),
    providerKeys: createProviderKeyResolver(config),
    // Health is per container: every request this container serves teaches it about the targets.
    routing: { store: createRoutingStore(config), health: new TargetHealth() },
    activity: installedActivityWriter(config.tables.activity) ?? createActivityRepo(createDocumentClient(config), config.tables.activity),
    assertSafeBaseUrl: routerBaseUrlGuard({ allowLoopback }),
    timeouts: DEFAULT_TIMEOUTS,
    log: ({ level, msg, ...fields }) => logger[level](msg, fields),
  };
  return deps;
}
