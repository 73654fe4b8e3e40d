import { z } from 'zod';
import { REASONING_EFFORTS } from '../openai-request-schema.js';

/**
 * The OpenAI chat request as the anthropic adapter accepts it: one zod schema per wire shape. Fields outside it
 * are refused by name (Anthropic rejects fields it does not know), except the few in DROPPED_FIELDS.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.string().optional() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)], { error: 'must be a string or an array of text parts' });
const userContent = z.union(
  [z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: 'only text and image_url parts are supported for anthropic' }))],
  { error: 'must be a string or an array of text and image_url parts' },
);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const openaiMessageSchema = z.discriminatedUnion(
  'role',
  [
    z.object({ role: z.enum(['system', 'developer']), content: textContent }),
    z.object({ role: z.literal('user'), content: userContent }),
    z.object({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
      tool_calls: z.array(toolCall).nullish(),
    }),
    z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: textContent }),
  ],
  { error: 'role must be one of system, developer, user, assistant, tool' },
);
export type OpenAIMessage = z.infer<typeof openaiMessageSchema>;

const functionTool = z.object({
  type: z.literal('function', { error: 'only function tools are supported for anthropic' }),
  function: z.object({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const anthropicChatRequestSchema = z.object({
  // Read by the gateway (model, stream, stream_options); listed so they are not refused as unknown.
  model: z.string(),
  stream: z.boolean().nullish(),
  stream_options: z.unknown().optional(),
  messages: z.array(openaiMessageSchema),
  max_tokens: z.int().positive().nullish(),
  max_completion_tokens: z.int().positive().nullish(),
  temperature: z.number().min(0).max(1, { error: 'must be between 0 and 1 for anthropic' }).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** Anthropic's own sampling parameter, accepted for callers who know they talk to Claude. */
  top_k: z.int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings' }).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })], {
      error: 'must be auto, none, required or a named function',
    })
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning_effort: z.enum(REASONING_EFFORTS).nullish(),
  /** Anthropic's `thinking` object, passed through as given (it wins over reasoning_effort). */
  thinking: z.looseObject({ type: z.string() }).nullish(),
  // Only plain text: Anthropic has no JSON mode, and emulating json_schema with a forced tool is not faithful.
  response_format: z
    .looseObject({ type: z.string() })
    .refine((format) => format.type === 'text', { error: 'json_object and json_schema are not supported for anthropic' })
    .nullish(),
  user: z.string().nullish(),
  /** OpenAI's successor to `user`; either becomes Anthropic's metadata.user_id. */
  safety_identifier: z.string().nullish(),
  // OpenAI options that have one neutral value Anthropic matches; any other value cannot be honoured.
  n: z.literal(1, { error: 'must be 1 for anthropic (one choice per request)' }).nullish(),
  logprobs: z.literal(false, { error: 'log probabilities are not available from anthropic' }).nullish(),
  frequency_penalty: z.literal(0, { error: 'is not supported for anthropic' }).nullish(),
  presence_penalty: z.literal(0, { error: 'is not supported for anthropic' }).nullish(),
});
export type AnthropicChatInput = z.infer<typeof anthropicChatRequestSchema>;

/**
 * OpenAI fields dropped without error: `seed` (Anthropic has no seed; ignoring it is what a provider without one
 * does), `store` / `metadata`, which concern OpenAI's stored completions, and `prompt_cache_key`, a routing hint
 * for OpenAI's own cache that changes no answer.
 */
export const DROPPED_FIELDS: ReadonlySet<string> = new Set(['seed', 'store', 'metadata', 'prompt_cache_key']);
