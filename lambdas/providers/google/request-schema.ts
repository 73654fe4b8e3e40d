import { z } from 'zod';

/**
 * The OpenAI chat request fields the google adapter translates, as zod shapes. Messages are checked here (not
 * by the gateway) because only a translating adapter needs to understand their content.
 */
const textPart = z.looseObject({ type: z.literal('text'), text: z.string({ error: 'must be a string' }) });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string({ error: 'must be a string' }), detail: z.string().optional() }),
});
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
const UNSUPPORTED_PART = 'is not supported for google: use text or image_url parts';

const textContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart], { error: 'must be a text part' }))], {
  error: 'must be a string or an array of text parts',
});

export const toolCallSchema = z.looseObject({
  id: z.string({ error: 'must be a string' }),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string({ error: 'must be a string' }), arguments: z.string({ error: 'must be a JSON string' }) }),
  // Google's own OpenAI-compatible API carries a function call's thought signature here; echoed back verbatim.
  extra_content: z.looseObject({ google: z.looseObject({ thought_signature: z.string().optional() }).optional() }).optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = z.discriminatedUnion(
  'role',
  [
    z.looseObject({ role: z.literal(['system', 'developer']), content: textContent }),
    z.looseObject({
      role: z.literal('user'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: UNSUPPORTED_PART }))], {
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
  { error: 'must be system, developer, user, assistant or tool for google' },
);
export type Message = z.infer<typeof messageSchema>;

const functionTool = z.looseObject({
  type: z.literal('function', { error: 'only function tools are supported for google' }),
  function: z.looseObject({
    name: z.string({ error: 'must be a string' }),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const namedToolChoice = z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) });

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export const googleChatBodySchema = z.looseObject({
  messages: z.array(messageSchema),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
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
  reasoning_effort: z.enum(REASONING_EFFORTS, { error: `must be one of: ${REASONING_EFFORTS.join(', ')}` }).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), namedToolChoice], { error: 'must be auto, none, required or a named function' }).nullish(),
  // `false` is the only value with no effect; true would ask for logprobs this adapter does not translate.
  logprobs: z.literal(false, { error: 'is not supported for google' }).nullish(),
});
export type GoogleChatBody = z.infer<typeof googleChatBodySchema>;

/** Fields the adapter reads (above), plus those it reads elsewhere (`model`, `stream`). */
const TRANSLATED_FIELDS = new Set([...Object.keys(googleChatBodySchema.shape), 'model', 'stream']);

/**
 * OpenAI fields with nothing to translate and no effect on the answer's content, dropped silently. Gemini
 * streams always carry usage; parallel calls cannot be turned off there.
 */
const IGNORED_FIELDS = new Set(['stream_options', 'user', 'metadata', 'store', 'parallel_tool_calls', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/** The first field of `body` that Gemini has no equivalent for (and would otherwise be silently dropped). */
export function firstUnsupportedField(body: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(body).find((k) => !TRANSLATED_FIELDS.has(k) && !IGNORED_FIELDS.has(k) && body[k] !== null && body[k] !== undefined);
}
