import { z } from 'zod';

/**
 * Anthropic Messages API shapes this adapter reads, as far as it reads them. Unknown fields pass; blocks and
 * events of types it does not know are skipped rather than failing the answer (Anthropic adds new ones).
 */
export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  model: z.string(),
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema,
});
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;

/** `{ type: 'error', error: { type, message } }`, in error responses and in a stream's `error` event. */
export const anthropicErrorSchema = z.looseObject({
  error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }),
});
