import { z } from 'zod';

/**
 * Gemini's GenerateContentResponse (documented REST shape), the fields this adapter reads. Loose objects:
 * Google adds fields often, and an unknown one must not fail a completion.
 */
export const geminiPartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.record(z.string(), z.unknown()).optional() }).optional(),
});
export type GeminiPart = z.infer<typeof geminiPartSchema>;

export const geminiCandidateSchema = z.looseObject({
  content: z.looseObject({ parts: z.array(geminiPartSchema).optional(), role: z.string().optional() }).optional(),
  finishReason: z.string().optional(),
  index: z.number().int().nonnegative().optional(),
});
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

export const geminiUsageSchema = z.looseObject({
  promptTokenCount: z.number().int().nonnegative().optional(),
  candidatesTokenCount: z.number().int().nonnegative().optional(),
  thoughtsTokenCount: z.number().int().nonnegative().optional(),
  cachedContentTokenCount: z.number().int().nonnegative().optional(),
  totalTokenCount: z.number().int().nonnegative().optional(),
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

export const generateContentResponseSchema = z.looseObject({
  candidates: z.array(geminiCandidateSchema).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: geminiUsageSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GenerateContentResponse = z.infer<typeof generateContentResponseSchema>;

/** Google's error body: `{ error: { code, message, status, details: [{ '@type', reason?, retryDelay? }] } }`. */
export const geminiErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.looseObject({ '@type': z.string().optional(), reason: z.string().optional(), retryDelay: z.string().optional() })).optional(),
  }),
});
export type GeminiError = z.infer<typeof geminiErrorSchema>;

export const geminiModelListSchema = z.looseObject({
  models: z.array(z.looseObject({ name: z.string(), supportedGenerationMethods: z.array(z.string()).optional() })).optional(),
});
