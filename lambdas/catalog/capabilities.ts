import { ApiError } from '../http/errors.js';
import { modelKind } from './catalog-entry.js';
import type { Capabilities, Capability, CatalogEntry, ModelKind } from './catalog-schema.js';

/** The request field a capability is asked for by, so a refusal names it (OpenAI's `param`). */
const PARAM_OF: Record<Capability, string> = {
  vision: 'messages',
  tools: 'tools',
  jsonSchema: 'response_format',
  reasoning: 'reasoning_effort',
};

const WHAT: Record<Capability, string> = {
  vision: 'image inputs',
  tools: 'tools',
  jsonSchema: 'response_format json_schema',
  reasoning: 'reasoning_effort',
};

/** Checked in this order, so a request lacking several gets the same first refusal every time. */
const ORDER: readonly Capability[] = ['vision', 'tools', 'jsonSchema', 'reasoning'];

/** What an OpenAI chat request body asks of its model. Reads only the shape of the request, never its text. */
export function requiredCapabilities(body: Readonly<Record<string, unknown>>): Capabilities {
  return {
    vision: Array.isArray(body.messages) && body.messages.some(hasImagePart),
    tools: nonEmptyArray(body.tools) || nonEmptyArray(body.functions),
    jsonSchema: isObject(body.response_format) && body.response_format.type === 'json_schema',
    reasoning: body.reasoning_effort !== undefined && body.reasoning_effort !== null,
  };
}

/**
 * A 400 naming the first field the model cannot honour, or undefined when it can. A model missing from the
 * catalog passes: the upstream decides, as it would without RouKey.
 */
export function checkCapabilities(required: Capabilities, entry: CatalogEntry | undefined): ApiError | undefined {
  if (!entry) return undefined;
  const missing = ORDER.find((capability) => required[capability] && !entry.capabilities[capability]);
  if (!missing) return undefined;
  return new ApiError('invalid_request', `The model ${entry.model} does not support ${WHAT[missing]}.`, {
    param: PARAM_OF[missing],
    code: 'unsupported_capability',
  });
}

/** What each kind of model serves, for the refusal of a request sent to the other kind. */
const SERVES: Record<ModelKind, string> = { chat: 'chat requests', embedding: 'POST /v1/embeddings only' };

/** A 400 when the request needs another kind of model than `entry` is; undefined when it fits or the catalog does not know it. */
export function checkModelKind(needed: ModelKind, entry: CatalogEntry | undefined): ApiError | undefined {
  if (!entry || modelKind(entry) === needed) return undefined;
  const kind = modelKind(entry);
  return new ApiError('invalid_request', `The model ${entry.model} is ${kind === 'embedding' ? 'an embedding' : 'a chat'} model: it serves ${SERVES[kind]}.`, {
    param: 'model',
    code: 'wrong_model_kind',
  });
}

function hasImagePart(message: unknown): boolean {
  return isObject(message) && Array.isArray(message.content) && message.content.some((part) => isObject(part) && part.type === 'image_url');
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
