import { z } from 'zod';

/**
 * The parts of the engine's whole answer (an OpenAI chat completion, whatever the provider) that the front ends
 * translating it read: into a Response (openai/responses) or an Anthropic Message (anthropic).
 */
export const wholeAnswerSchema = z.looseObject({
  id: z.string().optional(),
  created: z.number().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.looseObject({
        finish_reason: z.string().nullish(),
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          reasoning_content: z.string().nullish(),
          tool_calls: z.array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }) })).nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.looseObject({}).nullish(),
});
