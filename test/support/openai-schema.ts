import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Validators for OpenAI's published schemas (`<repo>/../shared/spec/openai-*.openapi.json`), so tests can
 * prove every answer RouKey gives is an OpenAI shape. OpenAPI's `nullable` is turned into JSON Schema first.
 */
export const OPENAI_SCHEMAS = {
  completion: 'CreateChatCompletionResponse',
  chunk: 'CreateChatCompletionStreamResponse',
  error: 'ErrorResponse',
  models: 'ListModelsResponse',
  model: 'Model',
  embeddings: 'CreateEmbeddingResponse',
  response: 'Response',
  responseEvent: 'ResponseStreamEvent',
} as const;
export type OpenAISchemaKind = keyof typeof OPENAI_SCHEMAS;

/** Which spec file holds each schema: the Responses API's has a file of its own. */
const SPEC_OF: Record<OpenAISchemaKind, 'chat' | 'responses'> = {
  completion: 'chat',
  chunk: 'chat',
  error: 'chat',
  models: 'chat',
  model: 'chat',
  embeddings: 'chat',
  response: 'responses',
  responseEvent: 'responses',
};

const specPath = (spec: 'chat' | 'responses') => resolve(dirname(fileURLToPath(import.meta.url)), `../../../shared/spec/openai-${spec}.openapi.json`);

// ajv-formats is CommonJS; its default export arrives wrapped depending on the loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

let ajv: Ajv | undefined;
const validators: Partial<Record<OpenAISchemaKind, ValidateFunction>> = {};

/** Loads both specs once; each schema is compiled on its first use, as compiling all of them blocks for seconds on a busy machine. */
function specs(): Ajv {
  if (ajv) return ajv;
  const loaded = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(loaded);
  loaded.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  for (const spec of ['chat', 'responses'] as const) {
    const parsed = JSON.parse(readFileSync(specPath(spec), 'utf8')) as { components: { schemas: Record<string, unknown> } };
    loaded.addSchema({ $id: `openai-${spec}`, components: { schemas: fromOpenApi(parsed.components.schemas) as Record<string, object> } });
  }
  ajv = loaded;
  return loaded;
}

function validator(kind: OpenAISchemaKind): ValidateFunction {
  validators[kind] ??= specs().compile({ $ref: `openai-${SPEC_OF[kind]}#/components/schemas/${OPENAI_SCHEMAS[kind]}` });
  return validators[kind];
}

/** OpenAPI 3.0's `nullable: true` as JSON Schema (an `anyOf` with null, so enums without null still accept it). */
function fromOpenApi(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromOpenApi);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'example' || k === 'x-oaiMeta' ? v : fromOpenApi(v)]));
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

/** The schema errors of `value` as `kind`, or an empty list when it is valid. */
export function openaiSchemaErrors(kind: OpenAISchemaKind, value: unknown): string[] {
  const validate = validator(kind);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Fails the test unless `value` is a valid OpenAI `kind`. */
export function expectValid(kind: OpenAISchemaKind, value: unknown): void {
  const errors = openaiSchemaErrors(kind, value);
  if (errors.length > 0) throw new Error(`not a valid OpenAI ${OPENAI_SCHEMAS[kind]}:\n${errors.join('\n')}\n${JSON.stringify(value).slice(0, 2_000)}`);
}
