/**
 * Gemini takes schemas two ways: `parameters`/`responseSchema` (an OpenAPI 3.0 subset, which rejects keywords
 * such as `additionalProperties` or `$ref` that OpenAI strict schemas use) and `parametersJsonSchema`/
 * `responseJsonSchema` (full JSON Schema). The subset form is used when it fits, as older models know only it.
 */
const SUBSET_KEYWORDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);

export function fitsOpenApiSubset(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (!SUBSET_KEYWORDS.has(key)) return false;
    if (key === 'type' && typeof value !== 'string') return false;
    if (key === 'properties') {
      if (typeof value !== 'object' || value === null || !Object.values(value).every(fitsOpenApiSubset)) return false;
    }
    if (key === 'items' && !fitsOpenApiSubset(value)) return false;
    if (key === 'anyOf' && !(Array.isArray(value) && value.every(fitsOpenApiSubset))) return false;
  }
  return true;
}
