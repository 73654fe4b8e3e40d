import { type ModelKind, modelKindOfId } from '../catalog/index.js';
import { ApiError } from '../http/errors.js';
import { isBuiltinRole } from '../routing/classify/builtin-roles.js';
import { CONFIG_MODEL_PREFIX, TARGET_MODEL, type RoutingConfig } from '../routing/config-schema.js';
import { configTargets } from '../routing/reference-targets.js';
import type { ConfigRefs } from './config-stores.js';

/** What a routing config refers to, each with the exact path a 400 names (`roles.legal.1.model`). */
export interface Reference {
  readonly path: string;
  readonly name: string;
}

/** `roukey/<config>` selects a config, so `roukey` can never be a provider-key name. */
export const RESERVED_PROVIDER_KEY_NAME = CONFIG_MODEL_PREFIX.slice(0, -1);

/**
 * A transaction holds at most 100 items, and a replace writes the config plus one item per reference added and per
 * reference dropped; this bound keeps every config write to one transaction.
 */
export const MAX_REFERENCES = 49;

/** Every `<provider-key name>/<model>` the config names: its targets in the order of its fields, then the classifier; `name` is the whole. */
function modelReferences(config: RoutingConfig): Reference[] {
  const refs = configTargets(config).map(({ path, model }) => ({ path, name: model }));
  if (config.classifier?.model !== undefined) refs.push({ path: 'classifier.model', name: config.classifier.model });
  return refs;
}

/** Every provider-key name the config's targets and classifier use, in the order of the config's fields. */
export function providerKeyReferences(config: RoutingConfig): Reference[] {
  return modelReferences(config).map(({ path, name }) => ({ path, name: TARGET_MODEL.exec(name)?.[1] ?? name }));
}

/**
 * A 400 for the first model of the wrong kind, by the catalog: an embedding config routes embedding models only, a
 * chat config (and any classifier) chat models only. Models the catalog does not know are the account's call.
 */
function checkModelKinds(config: RoutingConfig): void {
  const kind: ModelKind = config.kind ?? 'chat';
  for (const { path, name } of modelReferences(config)) {
    const needed: ModelKind = path === 'classifier.model' ? 'chat' : kind;
    const known = modelKindOfId(TARGET_MODEL.exec(name)?.[2] ?? name);
    if (known === undefined || known === needed) continue;
    const what = needed === 'embedding' ? 'an embedding config (kind: embedding) routes embedding models only' : 'chat routes need chat models';
    throw invalidField(path, `${name} is ${known === 'embedding' ? 'an embedding' : 'a chat'} model, and ${what}.`);
  }
}

/** Every role name the config uses: the keys of `roles`, then `defaultRole`. */
export function roleReferences(config: RoutingConfig): Reference[] {
  const refs = Object.keys(config.roles ?? {}).map((name) => ({ path: `roles.${name}`, name }));
  if (config.defaultRole !== undefined) refs.push({ path: 'defaultRole', name: config.defaultRole });
  return refs;
}

/** A DynamoDB item holds at most 400 KB; this leaves room for the config item's bookkeeping. */
export const MAX_CONFIG_BYTES = 300_000;

/**
 * The references a config holds on other items, after the checks that need no read: size, the reserved name, and
 * the bound on references. Whether each provider key and custom role exists is checked by the write itself.
 */
export function configRefs(config: RoutingConfig): ConfigRefs {
  if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES)
    throw new ApiError('invalid_request', `A config may be at most ${MAX_CONFIG_BYTES} bytes of JSON.`);
  checkModelKinds(config);
  const keys = providerKeyReferences(config);
  const reserved = keys.find((r) => r.name === RESERVED_PROVIDER_KEY_NAME);
  if (reserved) {
    throw invalidField(
      reserved.path,
      `'${RESERVED_PROVIDER_KEY_NAME}' is reserved for configs ("${CONFIG_MODEL_PREFIX}<config name>") and is not a provider-key name.`,
    );
  }
  const refs = { providerKeys: distinct(keys), customRoles: distinct(roleReferences(config).filter((r) => !isBuiltinRole(r.name))) };
  if (refs.providerKeys.length + refs.customRoles.length > MAX_REFERENCES) {
    throw new ApiError('invalid_request', `A config may use at most ${MAX_REFERENCES} distinct provider keys and custom roles together.`);
  }
  return refs;
}

/** The 400 for a reference to a provider key or custom role that the account does not have. */
export function missingReference(config: RoutingConfig, kind: 'providerKey' | 'customRole', name: string): ApiError {
  if (kind === 'providerKey') {
    const path = providerKeyReferences(config).find((r) => r.name === name)?.path ?? 'targets';
    return invalidField(path, `this account has no provider key named '${name}'.`);
  }
  const path = roleReferences(config).find((r) => r.name === name)?.path ?? 'roles';
  return invalidField(path, `this account has no role named '${name}'; create it with POST /v1/roles or use a built-in role.`);
}

/** A 400 naming the field, in the management API's wording (http/zod-errors.ts). */
export function invalidField(param: string, message: string): ApiError {
  return new ApiError('invalid_request', `Invalid '${param}': ${message}`, { param });
}

function distinct(refs: readonly Reference[]): string[] {
  return [...new Set(refs.map((r) => r.name))].sort();
}
