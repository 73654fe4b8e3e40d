import { z } from 'zod';

import { openAiMessageSchema, openAiToolCallSchema, translatedBodyFields, unsupportedFieldFinder } from '../openai-request-schema.js';

/**
 * The OpenAI chat request fields the bedrock adapter translates to Converse, as zod shapes. Messages are checked
 * here (not by the gateway) because only a translating adapter needs to understand their content.
 */
export const toolCallSchema = openAiToolCallSchema;
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = openAiMessageSchema('bedrock', toolCallSchema);
export type Message = z.infer<typeof messageSchema>;

export const bedrockChatBodySchema = z.looseObject({
  ...translatedBodyFields('bedrock', messageSchema),
  stop: z.union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings' }).nullish(),
  n: z.literal(1, { error: 'must be 1 for bedrock (one choice per request)' }).nullish(),
  response_format: z.looseObject({ type: z.literal('text', { error: 'only text is supported for bedrock' }) }).nullish(),
});
export type BedrockChatBody = z.infer<typeof bedrockChatBodySchema>;

/**
 * The first field of `body` that Converse has no equivalent for (and would otherwise be silently dropped).
 * Converse streams always carry usage and parallel tool use cannot be turned off there.
 */
export const firstUnsupportedField = unsupportedFieldFinder(bedrockChatBodySchema.shape);
