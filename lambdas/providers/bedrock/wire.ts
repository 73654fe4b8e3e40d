import { z } from 'zod';

/**
 * Converse output and ConverseStream events as send.ts encodes them (the SDK's shapes, JSON with bytes as
 * base64), the fields this adapter reads. Loose objects: AWS adds fields, and an unknown one must not fail a completion.
 */
export const converseUsageSchema = z.looseObject({
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  totalTokens: z.number().int().nonnegative().optional(),
  cacheReadInputTokens: z.number().int().nonnegative().optional(),
  cacheWriteInputTokens: z.number().int().nonnegative().optional(),
});
export type ConverseUsage = z.infer<typeof converseUsageSchema>;

export const contentBlockSchema = z.looseObject({
  text: z.string().optional(),
  toolUse: z.looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
  reasoningContent: z.looseObject({ reasoningText: z.looseObject({ text: z.string().optional() }).optional() }).optional(),
});
export type ContentBlock = z.infer<typeof contentBlockSchema>;

/** The non-streamed body: ConverseCommandOutput plus the model id it was asked of. */
export const converseOutputSchema = z.looseObject({
  modelId: z.string(),
  output: z.looseObject({ message: z.looseObject({ content: z.array(contentBlockSchema).optional() }).optional() }).optional(),
  stopReason: z.string().optional(),
  usage: converseUsageSchema.optional(),
});
export type ConverseOutput = z.infer<typeof converseOutputSchema>;

/** One NDJSON line of the streamed body: first `{ modelId }`, then each ConverseStream event as the SDK yields it. */
export const streamLineSchema = z.looseObject({
  modelId: z.string().optional(),
  messageStart: z.looseObject({ role: z.string().optional() }).optional(),
  contentBlockStart: z
    .looseObject({
      contentBlockIndex: z.number().int().nonnegative(),
      start: z.looseObject({ toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).optional() }).optional(),
    })
    .optional(),
  contentBlockDelta: z
    .looseObject({
      contentBlockIndex: z.number().int().nonnegative(),
      delta: z
        .looseObject({
          text: z.string().optional(),
          toolUse: z.looseObject({ input: z.string().optional() }).optional(),
          reasoningContent: z.looseObject({ text: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .optional(),
  contentBlockStop: z.looseObject({ contentBlockIndex: z.number().int().nonnegative().optional() }).optional(),
  messageStop: z.looseObject({ stopReason: z.string().optional() }).optional(),
  metadata: z.looseObject({ usage: converseUsageSchema.optional() }).optional(),
});
export type StreamLine = z.infer<typeof streamLineSchema>;
