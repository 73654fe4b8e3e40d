import { z } from 'zod';

/**
 * The OpenAI chat request shapes the translating adapters (google, bedrock) share, as zod schemas. Where an error
 * message names the provider, a factory takes its name so every adapter keeps its own wording.
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

export const openAiToolCallSchema = z.looseObject({
  id: z.string({ error: 'must be a string' }),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string({ error: 'must be a string' }), arguments: z.string({ error: 'must be a JSON string' }) }),
});

/** OpenAI's message union; `toolCall` lets an adapter accept its own extras on an assistant's tool calls. */
export function openAiMessageSchema<T extends z.ZodType>(provider: string, toolCall: T) {
  return z.discriminatedUnion(
    'role',
    [
      z.looseObject({ role: z.literal(['system', 'developer']), content: textContent }),
      z.looseObject({
        role: z.literal('user'),
        content: z.union(
          [
            z.string(),
            z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: `is not supported for ${provider}: use text or image_url parts` })),
          ],
          {
            error: 'must be a string or an array of content parts',
          },
        ),
      }),
      z.looseObject({
        role: z.literal('assistant'),
        content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart], { error: 'must be a text or refusal part' }))]).nullish(),
        tool_calls: z.array(toolCall).nullish(),
      }),
      z.looseObject({ role: z.literal('tool'), tool_call_id: z.string({ error: 'must be a string' }), content: textContent }),
    ],
    { error: `must be system, developer, user, assistant or tool for ${provider}` },
  );
}

function openAiFunctionToolSchema(provider: string) {
  return z.looseObject({
    type: z.literal('function', { error: `only function tools are supported for ${provider}` }),
    function: z.looseObject({
      name: z.string({ error: 'must be a string' }),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
    }),
  });
}

const namedToolChoice = z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) });

const openAiToolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), namedToolChoice], { error: 'must be auto, none, required or a named function' });

export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

const reasoningEffortSchema = z.enum(REASONING_EFFORTS, { error: `must be one of: ${REASONING_EFFORTS.join(', ')}` });

/**
 * The body fields google and bedrock translate alike: messages (in the adapter's message schema), sampling and
 * length limits, reasoning effort and function tools. Each adapter adds the fields it treats its own way.
 */
export function translatedBodyFields<M extends z.ZodType>(provider: string, messageSchema: M) {
  return {
    messages: z.array(messageSchema),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    reasoning_effort: reasoningEffortSchema.nullish(),
    tools: z.array(openAiFunctionToolSchema(provider)).nullish(),
    tool_choice: openAiToolChoiceSchema.nullish(),
    // `false` is the only value with no effect; true would ask for logprobs these adapters do not translate.
    logprobs: z.literal(false, { error: `is not supported for ${provider}` }).nullish(),
  };
}

/**
 * OpenAI fields with nothing to translate and no effect on the answer's content, dropped silently by the
 * translating adapters: their upstreams always stream usage and cannot turn parallel tool calls off, and the
 * rest are OpenAI account hints.
 */
const IGNORED_FIELDS = new Set(['stream_options', 'user', 'metadata', 'store', 'parallel_tool_calls', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/**
 * A finder for the first field of a body that the adapter neither translates (`bodyShape`, plus `model` and
 * `stream`, read elsewhere) nor ignores, and that would otherwise be silently dropped.
 */
export function unsupportedFieldFinder(bodyShape: Readonly<Record<string, unknown>>): (body: Readonly<Record<string, unknown>>) => string | undefined {
  const translated = new Set([...Object.keys(bodyShape), 'model', 'stream']);
  return (body) => Object.keys(body).find((k) => !translated.has(k) && !IGNORED_FIELDS.has(k) && body[k] !== null && body[k] !== undefined);
}
