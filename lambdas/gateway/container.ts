import { createAccountStateReader } from '../accounts/account-state.js';
import { createRoutingStore } from '../configs/routing-store.js';
import { createAccountStateKeys, type AccountStateKeys } from '../crypto/account-state-keys.js';
import { createDataKeyProvider, createEnvelopeCipherWith } from '../crypto/envelope-cipher.js';
import { serviceLogger } from '../http/logger.js';
import { createApiKeyAuthenticator } from '../keys/api-key-authenticator.js';
import { createRequestGate } from '../limits/request-gate.js';
import { routerBaseUrlGuard } from '../keys/base-url-guard.js';
import { createProviderKeyResolver } from '../keys/provider-key-resolver.js';
import { TargetHealth } from '../routing/target-health.js';
import { runtimeConfig } from '../runtime-config.js';
import { createApiKeyRepository } from '../store/accounts-api-keys.js';
import { createAccountRepository } from '../store/accounts-profiles.js';
import { createConfigRepository } from '../store/accounts-configs.js';
import { createProviderKeyRepository } from '../store/accounts-provider-keys.js';
import { createRoleRepository } from '../store/accounts-roles.js';
import { createStateKeyRepository } from '../store/accounts-state-keys.js';
import { createActivityRepo, type ActivityWriter } from '../store/activity-repo.js';
import { createSecurityEventRecorder } from '../store/activity-security-events.js';
import { createDocumentClient } from '../store/dynamo.js';
import { createLimitCounters } from '../store/limits-counters.js';
import { createSharedHealthStore } from '../store/limits-health.js';
import { DEFAULT_TIMEOUTS, type GatewayDeps } from './deps.js';
import { HealthSync } from './health-sync.js';
import { ROUTER_SERVICE, stdoutMetricsSink } from './request-metrics.js';
import { allowLoopbackUpstreams } from './transport/upstream-http.js';

/** Parts of the router's wiring that whoever runs it may supply instead of the defaults built from the environment. */
export interface GatewayParts {
  /** Who records each request's metadata; by default the activity repository on the activity table. */
  readonly activity?: ActivityWriter;
}

let parts: GatewayParts = {};
let deps: GatewayDeps | undefined;
let stateKeys: AccountStateKeys | undefined;

/**
 * Supplies parts of the wiring, for the requests served from now on (the container is wired anew). The handler
 * modules export it beside `handler`, so a host that loads them (the local runtime, the benchmark) can hand in
 * what it runs differently.
 */
export function composeGateway(supplied: GatewayParts): void {
  parts = supplied;
  deps = undefined;
  stateKeys = undefined;
}

/** The router's services, wired once per container on first use (config is read then, not at import). */
export function gatewayDeps(): GatewayDeps {
  if (deps) return deps;
  const config = runtimeConfig();
  const allowLoopback = config.allowLoopbackBaseUrl;
  allowLoopbackUpstreams(allowLoopback);
  const logger = serviceLogger(ROUTER_SERVICE);
  const db = createDocumentClient(config);
  const accounts = config.tables.accounts;
  const standings = createAccountRepository(db, accounts, { defaultPlan: config.plans.defaultPlan });
  const log: GatewayDeps['log'] = ({ level, msg, ...fields }) => logger[level](msg, fields);
  const health = new TargetHealth();
  deps = {
    authenticator: createApiKeyAuthenticator(createApiKeyRepository(db, accounts)),
    gate: createRequestGate(createAccountStateReader(standings, config.plans), createLimitCounters(db, config.tables.limits), {
      onError: (err) => logger.warn('limits table failed: request admitted', { error: (err as Error | null)?.name ?? 'unknown' }),
    }),
    securityEvents: createSecurityEventRecorder(db, config.tables.activity),
    providerKeys: createProviderKeyResolver({
      store: createProviderKeyRepository(db, accounts),
      cipher: createEnvelopeCipherWith(createDataKeyProvider(config)),
    }),
    // Every request this container serves teaches it about the targets at once; the shared items add what others saw.
    routing: {
      store: createRoutingStore({ configs: createConfigRepository(db, accounts), roles: createRoleRepository(db, accounts) }),
      health,
      sync: new HealthSync(createSharedHealthStore(db, config.tables.limits), health, log),
    },
    activity: parts.activity ?? createActivityRepo(db, config.tables.activity),
    assertSafeBaseUrl: routerBaseUrlGuard({ allowLoopback }),
    timeouts: DEFAULT_TIMEOUTS,
    bounds: { answerBytes: config.maxAnswerBytes },
    metrics: stdoutMetricsSink(),
    log,
  };
  return deps;
}

/** The router's services and the keys that seal Responses API state into ids (`POST /v1/responses`). */
export function responsesDeps(): GatewayDeps & { readonly stateKeys: AccountStateKeys } {
  const router = gatewayDeps();
  if (!stateKeys) {
    const config = runtimeConfig();
    stateKeys = createAccountStateKeys({
      store: createStateKeyRepository(createDocumentClient(config), config.tables.accounts),
      dataKeys: createDataKeyProvider(config),
    });
  }
  return { ...router, stateKeys };
}
