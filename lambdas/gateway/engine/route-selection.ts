import { estimateUsage, requiredCapabilities, type CatalogEntry } from '../../catalog/index.js';
import { ApiError } from '../../http/errors.js';
import { headerValue, type RequestHeaders } from '../../http/request-event.js';
import { DEFAULT_MIN_CONFIDENCE, scoreComplexity } from '../../routing/classify/index.js';
import { CONFIG_MODEL_PREFIX, SLUG, TARGET_MODEL, type RoutingConfig } from '../../routing/config-schema.js';
import { decideRoute, directDecision, inlineDecision } from '../../routing/decide-route.js';
import type { RoleSet, RouteDecision, RoutingRequest } from '../../routing/decision.js';
import { configTargets, referenceEntries } from '../../routing/reference-targets.js';
import type { GatewayDeps } from '../deps.js';
import type { ApiKeyPrincipal } from '../ports.js';
import { configPolicy, directPolicy, inlinePolicy, type AttemptPolicy } from './attempt-policy.js';
import type { ClassifierUsage } from './outcome.js';
import type { ClientChatRequest, InboundRequest } from './request.js';
import { classifierFor } from './role-classifier.js';

/** Where a request goes and how hard to try: the decision's ordered targets and the attempt policy. */
export interface SelectedRoute {
  readonly decision: RouteDecision;
  readonly policy: AttemptPolicy;
  /** What the LLM role classifier's call used, when the decision asked one. */
  readonly classifierUsage?: ClassifierUsage;
  /** For a config route: its eligible targets' catalog entries, to price the request on its reference target. */
  readonly referenceEntries?: readonly CatalogEntry[];
}

/** Only a `role` config reads the account's roles. */
const NO_ROLES: RoleSet = { key: 'none', roles: [] };

export const CONFIG_HEADER = 'x-roukey-config';
const METADATA_HEADER_PREFIX = 'x-roukey-metadata-';
/** Bounds on what rules may read from metadata headers: enough for tagging, not a side channel for payloads. */
const MAX_METADATA_HEADERS = 32;
const MAX_METADATA_VALUE = 256;

/**
 * Chooses the route, in this order: `model: "roukey/<config>"`; the `x-roukey-config` header; an inline
 * `models` list (with a target `model` tried first); `model: "<provider-key name>/<model>"` straight to one
 * target; the config the API key is bound to. Anything else is a 400 naming `model`.
 */
export async function selectRoute(deps: GatewayDeps, inbound: InboundRequest): Promise<SelectedRoute> {
  const { request, caller, headers } = inbound;
  const named = configNamed(request.model, headers);
  if (named) return configRoute(deps, named.name, named.param, inbound);
  const direct = TARGET_MODEL.test(request.model);
  if (request.models) {
    return { decision: inlineDecision(direct ? [request.model, ...request.models] : [...request.models]), policy: inlinePolicy(deps.timeouts) };
  }
  if (direct) return { decision: directDecision(request.model), policy: directPolicy(deps.timeouts) };
  if (caller.config) return configRoute(deps, caller.config, 'model', inbound);
  throw new ApiError(
    'invalid_request',
    'model must have the form "<provider-key name>/<model id>" (for example "openai/gpt-4o-mini") or "roukey/<config name>".',
    { param: 'model' },
  );
}

function configNamed(model: string, headers: RequestHeaders): { name: string; param: string } | undefined {
  if (model.startsWith(CONFIG_MODEL_PREFIX)) return { name: checkedName(model.slice(CONFIG_MODEL_PREFIX.length), 'model'), param: 'model' };
  const header = headerValue(headers, CONFIG_HEADER);
  if (header !== undefined) return { name: checkedName(header.trim(), CONFIG_HEADER), param: CONFIG_HEADER };
  return undefined;
}

function checkedName(name: string, param: string): string {
  if (!SLUG.test(name)) throw new ApiError('invalid_request', `${param} must name a routing config (1-64 lowercase letters, digits or hyphens).`, { param });
  return name;
}

async function configRoute(deps: GatewayDeps, name: string, param: string, { caller, request, headers, clientSignal }: InboundRequest): Promise<SelectedRoute> {
  const { accountId } = caller;
  const config = await deps.routing.store.config(accountId, name);
  if (!config) throw new ApiError('not_found', `No routing config named "${name}" in this account.`, { param, code: 'config_not_found' });
  const needed = request.modelKind ?? 'chat';
  if ((config.kind ?? 'chat') !== needed) {
    const serves = needed === 'embedding' ? 'chat requests; embeddings need a config of kind embedding' : 'embeddings only (kind: embedding)';
    throw new ApiError('invalid_request', `The routing config "${name}" serves ${serves}.`, { param, code: 'wrong_config_kind' });
  }
  const [providers, roles] = await Promise.all([
    deps.providerKeys.providers(accountId, configKeyNames(config)),
    config.strategy === 'role' ? deps.routing.store.roles(accountId) : NO_ROLES,
    // What other containers saw of the targets, before the latency strategy and the attempt loop read the health.
    deps.routing.sync?.refresh(accountId),
  ]);
  const classifier = classifierFor(deps, accountId, config, clientSignal);
  const routing = routingRequest(request, caller, headers);
  const providerOf = (providerKeyName: string) => providers.get(providerKeyName);
  const decision = await decideRoute(config, routing, {
    accountId,
    roles,
    providerOf,
    health: deps.routing.health,
    classify: classifier.classify,
    defaultMinConfidence: DEFAULT_MIN_CONFIDENCE,
    scoreComplexity,
    random: Math.random,
  });
  return { decision, policy: configPolicy(config), classifierUsage: classifier.usage(), referenceEntries: referenceEntries(config, routing, providerOf) };
}

/**
 * What strategies and rules may read of the request; built only for config routes. The prompt's tokens, costly
 * to count for a long prompt, are counted once, when a rule or a catalog check first asks.
 */
function routingRequest(request: ClientChatRequest, caller: ApiKeyPrincipal, headers: RequestHeaders): RoutingRequest {
  const { body } = request;
  let promptTokens: number | undefined;
  return {
    body,
    model: request.model,
    get promptTokens() {
      return (promptTokens ??= estimateUsage(body, '').prompt_tokens);
    },
    needs: requiredCapabilities(body),
    metadata: metadataHeaders(headers),
    stickyId: stickyId(body) ?? `key:${caller.apiKeyId}`,
  };
}

/** The end user, as OpenAI's clients name them (`user`, or its successor `safety_identifier`). */
function stickyId(body: Readonly<Record<string, unknown>>): string | undefined {
  for (const field of ['user', 'safety_identifier'] as const) {
    const value = body[field];
    if (typeof value === 'string' && value.length > 0) return `user:${value}`;
  }
  return undefined;
}

function metadataHeaders(headers: RequestHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(headers ?? {})) {
    const lower = key.toLowerCase();
    if (!lower.startsWith(METADATA_HEADER_PREFIX) || value === undefined || value.length > MAX_METADATA_VALUE) continue;
    metadata[lower.slice(METADATA_HEADER_PREFIX.length)] = value;
    if (++count === MAX_METADATA_HEADERS) break;
  }
  return metadata;
}

/** The provider-key names a config's targets use (a config can only name keys that exist). */
function configKeyNames(config: RoutingConfig): string[] {
  return configTargets(config).flatMap(({ model }) => TARGET_MODEL.exec(model)?.[1] ?? []);
}
