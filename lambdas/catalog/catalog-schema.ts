import { z } from 'zod';
import { PROVIDER_IDS } from '../provider-ids.js';

/** A model id as providers spell them: lower case, so lookups can lower-case what callers send. */
const modelId = z.string().regex(/^[a-z0-9][a-z0-9._:-]{0,127}$/);
const tokens = z.number().int().positive();
/** USD per million tokens. */
const price = z.number().nonnegative().finite();

export const CAPABILITIES = ['tools', 'vision', 'jsonSchema', 'reasoning'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const capabilitiesSchema = z.strictObject({
  tools: z.boolean(),
  vision: z.boolean(),
  jsonSchema: z.boolean(),
  reasoning: z.boolean(),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

/**
 * What makes an entry an embedding model: the vector it returns. `reducibleTo` says which shorter vectors the
 * provider can return when asked (`dimensions`): any length up to `dimensions`, or only the sizes listed; absent
 * when the model returns its full length only.
 */
export const embeddingSchema = z.strictObject({
  dimensions: tokens,
  reducibleTo: z.union([z.literal('any'), z.array(tokens).min(1)]).optional(),
});
export type EmbeddingSpec = z.infer<typeof embeddingSchema>;

/** What a model is for: a chat model answers chat, Messages and Responses requests, an embedding model `/v1/embeddings`. */
export type ModelKind = 'chat' | 'embedding';

export const catalogEntrySchema = z
  .strictObject({
    provider: z.enum(PROVIDER_IDS),
    model: modelId,
    /** Other ids the provider serves the same model under (e.g. Anthropic's `-0` aliases). */
    aliases: z.array(modelId).optional(),
    /** The most tokens a request may hold (an embedding model's longest input). */
    contextWindow: tokens,
    /** Chat models only. */
    maxOutputTokens: tokens.optional(),
    /** Embedding models only: their capabilities are all false and their output price 0. */
    embedding: embeddingSchema.optional(),
    capabilities: capabilitiesSchema,
    prices: z.strictObject({ input: price, output: price, cachedInput: price }),
    /** The day the prices were read from the provider's pricing page (YYYY-MM-DD). */
    pricesReadOn: z.iso.date(),
  })
  .refine((e) => (e.embedding === undefined) === (e.maxOutputTokens !== undefined), {
    error: 'a chat model needs maxOutputTokens, an embedding model has none',
    path: ['maxOutputTokens'],
  })
  .refine((e) => e.embedding === undefined || (e.prices.output === 0 && !Object.values(e.capabilities).some(Boolean)), {
    error: 'an embedding model has no output price and no chat capabilities',
    path: ['embedding'],
  })
  .refine((e) => e.maxOutputTokens === undefined || e.maxOutputTokens <= e.contextWindow, {
    error: 'maxOutputTokens must not exceed contextWindow',
    path: ['maxOutputTokens'],
  })
  .refine((e) => e.prices.cachedInput <= e.prices.input, { error: 'cachedInput must not exceed input', path: ['prices', 'cachedInput'] });

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
