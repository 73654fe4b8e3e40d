import { z } from 'zod';
import { ERROR_KINDS, type ErrorKind } from '../http/errors.js';
import { REQUEST_LIMIT_NAMES } from '../limits/allowance.js';
import { PROVIDER_IDS } from '../provider-ids.js';
import { MODEL_ID, SLUG, STRATEGIES, TARGET_MODEL } from '../routing/config-schema.js';

/**
 * P3: the per-request record is a fixed schema of metadata fields. It is strict, every string is an id, a code
 * from a closed list or a bounded model id, so nothing free-form from a request or response can be stored.
 */
export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** Which API a request came through: chat completions, Anthropic's Messages, the Responses API, embeddings. */
export const OPERATIONS = ['chat', 'messages', 'responses', 'embeddings'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Error codes a request can end with: the client-facing kinds plus what only the server sees. */
export const ACTIVITY_ERROR_TYPES = [...(Object.keys(ERROR_KINDS) as ErrorKind[]), 'client_disconnected'] as const;
export type ActivityErrorType = (typeof ACTIVITY_ERROR_TYPES)[number];

const id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);
const count = z.number().int().nonnegative();
/** A config, role, band, variant or rule name: slugs the account chose (lambdas/routing/config-schema.ts). */
const slug = z.string().regex(SLUG);

/** How one attempt of a request ended (or why a target was passed over without a call). */
export const ATTEMPT_OUTCOMES = [
  'ok',
  'http_error',
  'timeout',
  'network',
  /** The stream broke after its first byte reached the client: no fallback is possible then. */
  'stream_error',
  'client_disconnected',
  'skipped_cooldown',
  'skipped_circuit_open',
  'unsupported',
  'provider_key_not_found',
  'base_url_refused',
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const ROUTE_STRATEGIES = [...STRATEGIES, 'direct', 'inline'] as const;
export const CLASSIFICATION_METHODS = ['local', 'llm', 'default'] as const;

/** The attempt loop stops at this many (gateway/engine/attempt-loop.ts), so the record keeps them all. */
export const MAX_RECORDED_ATTEMPTS = 64;

export const attemptRecordSchema = z.strictObject({
  /** `<provider-key name>/<model id>` as the route named it. */
  target: z.string().regex(TARGET_MODEL),
  provider: z.enum(PROVIDER_IDS).optional(),
  /** The upstream's HTTP status, when it answered with one. */
  status: z.number().int().min(100).max(599).optional(),
  latencyMs: count,
  outcome: z.enum(ATTEMPT_OUTCOMES),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

export const requestActivitySchema = z.strictObject({
  kind: z.literal('request'),
  accountId: id,
  requestId: id,
  apiKeyId: id,
  /** ISO-8601 UTC instant the request arrived. */
  startedAt: z.iso.datetime(),
  latencyMs: count,
  ttftMs: count.optional(),
  /** The HTTP status the client received. */
  status: z.number().int().min(100).max(599),
  stream: z.boolean(),
  /** Absent on records written before the field existed (chat completions and Messages then). */
  operation: z.enum(OPERATIONS).optional(),
  provider: z.enum(PROVIDER_IDS).optional(),
  providerKeyId: id.optional(),
  /** The upstream model id, as validated by the request parser's model pattern. */
  model: z.string().regex(MODEL_ID).optional(),
  promptTokens: count.optional(),
  completionTokens: count.optional(),
  totalTokens: count.optional(),
  cachedTokens: count.optional(),
  /** Completion tokens the model spent reasoning, where the upstream reports them (they are part of completionTokens). */
  reasoningTokens: count.optional(),
  /** Estimated cost in USD from the model catalog's prices (lambdas/catalog); absent for a model it does not know. */
  costUsd: z.number().nonnegative().finite().optional(),
  /**
   * For a request routed by a config: what the same usage would have cost on the config's reference target (its most
   * expensive eligible target by the catalog); `savingsUsd` in usage answers is built from it (docs/usage.md).
   */
  referenceCostUsd: z.number().nonnegative().finite().optional(),
  /** True when the token counts were estimated by RouKey because the upstream reported no usage. */
  usageEstimated: z.boolean().optional(),
  finishReason: z.enum(FINISH_REASONS).optional(),
  errorType: z.enum(ACTIVITY_ERROR_TYPES).optional(),
  /** The request limit that refused the request (status 429): it never reached a provider. */
  refusedBy: z.enum(REQUEST_LIMIT_NAMES).optional(),
  /** The routing decision (P3: names and numbers only). */
  configName: slug.optional(),
  strategy: z.enum(ROUTE_STRATEGIES).optional(),
  /** The role, band, variant or rule chosen. */
  route: slug.optional(),
  /** The role classifier's confidence, 0-1, and how it decided. */
  confidence: z.number().min(0).max(1).optional(),
  classifier: z.enum(CLASSIFICATION_METHODS).optional(),
  complexity: z.number().int().min(1).max(5).optional(),
  attempts: z.array(attemptRecordSchema).max(MAX_RECORDED_ATTEMPTS).optional(),
  /** The LLM role classifier's own call: its tokens, and their cost by the catalog's prices. */
  classifierTokens: count.optional(),
  classifierCostUsd: z.number().nonnegative().finite().optional(),
  /** DynamoDB TTL, epoch seconds (P11). */
  expiresAt: count,
});

export type RequestActivity = z.infer<typeof requestActivitySchema>;

export function isFinishReason(value: unknown): value is FinishReason {
  return (FINISH_REASONS as readonly unknown[]).includes(value);
}
