import { z } from 'zod';

/**
 * Anthropic's Messages API request, as far as RouKey can translate it to the engine's OpenAI shape. Blocks keep
 * fields they do not read (`cache_control`, `citations`); top-level fields RouKey cannot honour are refused by
 * name rather than silently dropped.
 */
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });

const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string() }),
  ]),
});

const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) });

const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
});

/** Earlier turns' thinking: accepted, but not sent on (the engine's OpenAI shape has no place for it). */
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const contentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock], {
  error: 'content blocks must be text, image, tool_use, tool_result or thinking',
});
export type AnthropicContentBlock = z.infer<typeof contentBlock>;

const message = z.object({
  role: z.enum(['user', 'assistant'], { error: 'role must be user or assistant' }),
  content: z.union([z.string(), z.array(contentBlock)], { error: 'content must be a string or an array of content blocks' }),
});
export type AnthropicInputMessage = z.infer<typeof message>;

const tool = z.looseObject({
  // Server tools (web search, code execution…) run at Anthropic and cannot be routed elsewhere.
  type: z.literal('custom', { error: 'only client tools (type "custom" or none) are supported' }).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object', { error: 'input_schema must be a JSON schema of type object' }) }),
});

const parallelOption = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('auto'), ...parallelOption }),
    z.object({ type: z.literal('any'), ...parallelOption }),
    z.object({ type: z.literal('tool'), name: z.string(), ...parallelOption }),
    z.object({ type: z.literal('none') }),
  ],
  { error: 'tool_choice type must be auto, any, tool or none' },
);

const thinking = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('enabled'), budget_tokens: z.int().min(1024, { error: 'budget_tokens must be at least 1024' }) }),
    z.object({ type: z.literal('disabled') }),
    z.object({ type: z.literal('adaptive') }),
  ],
  { error: 'thinking type must be enabled, disabled or adaptive' },
);

export const messagesRequestSchema = z.strictObject(
  {
    model: z.string({ error: 'model is required and must be a string' }),
    max_tokens: z.int({ error: 'max_tokens is required and must be an integer' }).positive(),
    messages: z.array(message, { error: 'messages must be an array of messages' }).min(1, { error: 'messages must not be empty' }),
    system: z.union([z.string(), z.array(textBlock)], { error: 'system must be a string or an array of text blocks' }).optional(),
    tools: z.array(tool).optional(),
    tool_choice: toolChoice.optional(),
    stop_sequences: z.array(z.string()).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.int().positive().optional(),
    stream: z.boolean().optional(),
    metadata: z.object({ user_id: z.string().nullish() }).optional(),
    thinking: thinking.optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `not supported by RouKey's Messages endpoint: ${issue.keys.join(', ')}` : undefined) },
);
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
