import { z } from 'zod';

import { openAiMessageSchema, openAiToolCallSchema, translatedBodyFields, unsupportedFieldFinder } from '../openai-request-schema.js';

export type { ReasoningEffort } from '../openai-request-schema.js';

/**
 * The OpenAI chat request fields the google adapter translates, as zod shapes. Messages are checked here (not
 * by the gateway) because only a translating adapter needs to understand their content.
 */
export const toolCallSchema = openAiToolCallSchema.extend({
  // Google's own OpenAI-compatible API carries a function call's thought signature here; echoed back verbatim.
  extra_content: z.looseObject({ google: z.looseObject({ thought_signature: z.string().optional() }).optional() }).optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = openAiMessageSchema('google', toolCallSchema);
export type Message = z.infer<typeof messageSchema>;

export const googleChatBodySchema = z.looseObject({
  ...translatedBodyFields('google', messageSchema),
  stop: z.union([z.string(), z.array(z.string()).max(5)], { error: 'must be a string or up to 5 strings' }).nullish(),
  seed: z.number().int().nullish(),
  n: z.number().int().min(1).max(8).nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  response_format: z
    .discriminatedUnion(
      'type',
      [
        z.looseObject({ type: z.literal('text') }),
        z.looseObject({ type: z.literal('json_object') }),
        z.looseObject({
          type: z.literal('json_schema'),
          json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()).optional() }),
        }),
      ],
      { error: 'type must be text, json_object or json_schema' },
    )
    .nullish(),
});
export type GoogleChatBody = z.infer<typeof googleChatBodySchema>;

/**
 * The first field of `body` that Gemini has no equivalent for (and would otherwise be silently dropped). Gemini
 * streams always carry usage; parallel calls cannot be turned off there.
 */
export const firstUnsupportedField = unsupportedFieldFinder(googleChatBodySchema.shape);
