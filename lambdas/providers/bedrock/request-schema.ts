import { z } from 'zod';

/**
 * The OpenAI chat request fields the bedrock adapter translates to Converse, as zod shapes. Messages are checked
 * here (not by the gateway) because only a translating adapter needs to understand their content.
 */
const textPart = z.looseObject({ type: z.literal('text'), text: z.string({ error: 'must be a string' }) });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string({ error: 'must be a string' }), detail: z.string().optional() }),
});
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart], { error: 'must be a text part' }))], {
  error: 'must be a string or an array of text parts',
});

export const toolCallSchema = z.looseObject({
  id: z.string({ error: 'must be a string' }),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string({ error: 'must be a string' }), arguments: z.string({ error: 'must be a JSON string' }) }),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal(['system', 'developer']), content: textContent }),
    z.looseObject({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: 'is not supported for bedrock: use text or image_url parts' }))], {
        error: 'must be a string or an array of content parts',
      }),
    }),
    z.looseObject({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart], { error: 'must be a text or refusal part' }))]).nullish(),
      tool_calls: z.array(toolCallSchema).nullish(),
    }),
    z.looseObject({ role: z.literal('tool'), tool_call_id: z.string({ error: 'must be a string' }), content: textContent }),
  ],
  { error: 'must be system, developer, user, assistant or tool for bedrock' },
);
export type Message = z.infer<typeof messageSchema>;

const functionTool = z.looseObject({
  type: z.literal('function', { error: 'only function tools are supported for bedrock' }),
  function: z.looseObject({
    name: z.string({ error: 'must be a string' }),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const namedToolChoice = z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) });

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;

export const bedrockChatBodySchema = z.looseObject({
  messages: z.array(messageSchema),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings' }).nullish(),
  n: z.literal(1, { error: 'must be 1 for bedrock (one choice per request)' }).nullish(),
  response_format: z.looseObject({ type: z.literal('text', { error: 'only text is supported for bedrock' }) }).nullish(),
  reasoning_effort: z.enum(REASONING_EFFORTS, { error: `must be one of: ${REASONING_EFFORTS.join(', ')}` }).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), namedToolChoice], { error: 'must be auto, none, required or a named function' }).nullish(),
  // `false` is the only value with no effect; true would ask for logprobs Converse does not return.
  logprobs: z.literal(false, { error: 'is not supported for bedrock' }).nullish(),
});
export type BedrockChatBody = z.infer<typeof bedrockChatBodySchema>;

/** Fields the adapter reads (above), plus those it reads elsewhere (`model`, `stream`). */
const TRANSLATED_FIELDS = new Set([...Object.keys(bedrockChatBodySchema.shape), 'model', 'stream']);

/**
 * OpenAI fields with nothing to translate and no effect on the answer's content, dropped silently: Converse
 * streams always carry usage, parallel tool use cannot be turned off, and the rest are OpenAI account hints.
 */
const IGNORED_FIELDS = new Set(['stream_options', 'user', 'metadata', 'store', 'parallel_tool_calls', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/** The first field of `body` that Converse has no equivalent for (and would otherwise be silently dropped). */
export function firstUnsupportedField(body: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(body).find((k) => !TRANSLATED_FIELDS.has(k) && !IGNORED_FIELDS.has(k) && body[k] !== null && body[k] !== undefined);
}
