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

export const catalogEntrySchema = z
  .strictObject({
    provider: z.enum(PROVIDER_IDS),
    model: modelId,
    /** Other ids the provider serves the same model under (e.g. Anthropic's `-0` aliases). */
    aliases: z.array(modelId).optional(),
    contextWindow: tokens,
    maxOutputTokens: tokens,
    capabilities: capabilitiesSchema,
    prices: z.strictObject({ input: price, output: price, cachedInput: price }),
    /** The day the prices were read from the provider's pricing page (YYYY-MM-DD). */
    pricesReadOn: z.iso.date(),
  })
  .refine((e) => e.maxOutputTokens <= e.contextWindow, { error: 'maxOutputTokens must not exceed contextWindow', path: ['maxOutputTokens'] })
  .refine((e) => e.prices.cachedInput <= e.prices.input, { error: 'cachedInput must not exceed input', path: ['prices', 'cachedInput'] });

export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
