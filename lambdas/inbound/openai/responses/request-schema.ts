import { z } from 'zod';
import { routedModelFields } from '../chat-request.js';

/**
 * The fields of a Responses API request RouKey reads. The body is kept whole: fields not read here pass through to
 * providers that serve the Responses API, and the translation to the engine's chat shape reads the items it knows
 * (request-items.ts), refusing by name what it cannot express.
 */
const item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });
export type InputItem = z.infer<typeof item>;

export const responsesRequestSchema = z.looseObject({
  ...routedModelFields,
  input: z
    .union([z.string(), z.array(item, { error: 'each input item must be an object' })], { error: 'input must be a string or an array of input items' })
    .optional(),
  instructions: z.union([z.string(), z.array(item)], { error: 'instructions must be a string or an array of input items' }).nullish(),
  previous_response_id: z.string({ error: 'previous_response_id must be a string' }).max(1_100_000).nullish(),
  tools: z.array(z.looseObject({ type: z.string({ error: 'each tool needs a type' }) }), { error: 'tools must be an array of tools' }).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })], { error: 'tool_choice must be a string or an object' }).nullish(),
  stream: z.boolean({ error: 'stream must be a boolean' }).nullish(),
  store: z.boolean({ error: 'store must be a boolean' }).nullish(),
  max_output_tokens: z.int({ error: 'max_output_tokens must be an integer' }).positive({ error: 'max_output_tokens must be positive' }).nullish(),
  temperature: z.number({ error: 'temperature must be a number' }).nullish(),
  top_p: z.number({ error: 'top_p must be a number' }).nullish(),
  parallel_tool_calls: z.boolean({ error: 'parallel_tool_calls must be a boolean' }).nullish(),
  metadata: z.record(z.string(), z.string(), { error: 'metadata must map strings to strings' }).nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.string() }).nullish() }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
