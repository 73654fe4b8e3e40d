import { createHash } from 'node:crypto';
import { z } from 'zod';
import { requiredCapabilities } from '../catalog/capabilities.js';
import { belowThreshold, classifyLocal, DEFAULT_MIN_CONFIDENCE, scoreComplexity } from '../routing/classify/index.js';
import type { RoleDefinition } from '../routing/config-schema.js';
import type { RoutingRequest } from '../routing/decision.js';

/**
 * `POST /v1/roles/classify`: the local classifier and the complexity scorer on a sample prompt, against the
 * account's own roles, so a person can see how the router would read a request. The prompt is read in memory and
 * dropped; nothing of it is stored, logged or echoed back (P1).
 */

/** Far beyond what the classifier reads (the head and tail of the turn), small enough to keep a call cheap. */
export const MAX_SAMPLE_CHARS = 20_000;
const MAX_CONTEXT_MESSAGES = 20;

export const classifyBodySchema = z.strictObject({
  /** The user turn to classify. */
  prompt: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(MAX_SAMPLE_CHARS, { error: `must be at most ${MAX_SAMPLE_CHARS} characters` }),
  /** Earlier turns and system messages, as a request would carry them before the prompt. */
  messages: z
    .array(
      z.strictObject({
        role: z.enum(['system', 'developer', 'user', 'assistant'], { error: 'must be system, developer, user or assistant' }),
        content: z.string({ error: 'must be a string' }).max(MAX_SAMPLE_CHARS, { error: `must be at most ${MAX_SAMPLE_CHARS} characters` }),
      }),
      { error: 'must be an array of messages' },
    )
    .max(MAX_CONTEXT_MESSAGES, { error: `must list at most ${MAX_CONTEXT_MESSAGES} messages` })
    .optional(),
});
export type ClassifyBody = z.infer<typeof classifyBodySchema>;

export interface RoleClassification {
  readonly object: 'role_classification';
  readonly role: string;
  /** The classifier's posterior for `role`, 0-1. */
  readonly confidence: number;
  readonly method: 'local';
  /** A `role` config without its own `classifier.minConfidence` uses its default role below this. */
  readonly minConfidence: number;
  readonly belowMinConfidence: boolean;
  /** The `complexity` strategy's band for the same prompt, 1-5. */
  readonly complexity: number;
  /** How many roles were candidates: the account's built-ins, overrides and custom roles. */
  readonly candidates: number;
}

/** Classifies `input` among `roles` (every role of the account: a config would offer only those it maps). */
export function classifySample(roles: readonly RoleDefinition[], input: ClassifyBody): RoleClassification {
  const body = { messages: [...(input.messages ?? []), { role: 'user', content: input.prompt }] };
  const request: RoutingRequest = { body, model: 'classify', promptTokens: 0, needs: requiredCapabilities(body), metadata: {}, stickyId: 'classify' };
  const { role, confidence } = classifyLocal(request, { key: roleSetKey(roles), roles });
  return {
    object: 'role_classification',
    role,
    confidence,
    method: 'local',
    minConfidence: DEFAULT_MIN_CONFIDENCE,
    belowMinConfidence: belowThreshold(confidence),
    complexity: scoreComplexity(request),
    candidates: roles.length,
  };
}

/** The classifier caches what it learns per key: equal definitions share one, an edited role gets a new one. */
function roleSetKey(roles: readonly RoleDefinition[]): string {
  return `sample#${createHash('sha256').update(JSON.stringify(roles)).digest('base64url')}`;
}
