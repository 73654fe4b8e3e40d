import { z } from 'zod';

/**
 * The wire shapes of routing configs and custom roles (`/v1/configs`, `/v1/roles`): the one place they are
 * defined. The management API validates with them; the router reads the stored, already-validated values.
 */

/** Names of configs, roles, variants and rules: they appear in URLs, headers and activity records (P3). */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const slug = z
  .string({ error: 'must be a string' })
  .regex(SLUG, { error: 'must be 1-64 lowercase letters, digits or hyphens, starting with a letter or digit' });

const PROVIDER_KEY_NAME_SOURCE = '[a-z0-9-]{1,64}';
const MODEL_ID_SOURCE = '[A-Za-z0-9._:@+/-]{1,200}';

/** A provider key's name (`POST /v1/provider-keys`), the first part of every target. */
export const PROVIDER_KEY_NAME = new RegExp(`^${PROVIDER_KEY_NAME_SOURCE}$`);

/** A model id as a target names it: may contain slashes (`hf/meta-llama/Llama-3.1-8B`) or colons (`llama3:8b`). */
export const MODEL_ID = new RegExp(`^${MODEL_ID_SOURCE}$`);

/** `<provider-key name>/<model id>`, as a request's `model` names one target (inbound/openai/chat-request.ts). */
export const TARGET_MODEL = new RegExp(`^(${PROVIDER_KEY_NAME_SOURCE})\\/(${MODEL_ID_SOURCE})$`);

/** `model: "roukey/<config name>"` selects a config; `roukey` is therefore not available as a provider-key name. */
export const CONFIG_MODEL_PREFIX = 'roukey/';

/** What a config routes: chat models, or embedding models (catalog ModelKind). */
export const CONFIG_KINDS = ['chat', 'embedding'] as const;
/** Strategies that read a chat request's messages, which an embeddings request has none of. */
export const CHAT_ONLY_STRATEGIES: readonly Strategy[] = ['role', 'complexity'];

export const STRATEGIES = ['fallback', 'weighted', 'cost', 'latency', 'role', 'complexity', 'ab'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Failure classes that move on to the next attempt; anything else (a 400, say) is the client's to fix. */
export const FALLBACK_ON = ['429', '5xx', 'timeout', 'network', 'auth'] as const;
export type FallbackOn = (typeof FALLBACK_ON)[number];

export const COMPLEXITY_BANDS = ['1', '2', '3', '4', '5'] as const;
export type ComplexityBand = (typeof COMPLEXITY_BANDS)[number];

export const targetSchema = z.strictObject({
  model: z.string({ error: 'must be a string' }).regex(TARGET_MODEL, { error: 'must have the form "<provider-key name>/<model id>"' }),
  weight: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(1000, { error: 'must be at most 1000' })
    .default(1),
});
export type TargetSpec = z.infer<typeof targetSchema>;

const targets = z
  .array(targetSchema, { error: 'must be an array of targets' })
  .min(1, { error: 'must list at least one target' })
  .max(16, { error: 'must list at most 16 targets' });

/** After a stream's first token, the longest wait for its next chunk unless a config says otherwise. */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

export const DEFAULT_RELIABILITY = {
  retries: 1,
  timeoutMs: 60_000,
  firstTokenTimeoutMs: 15_000,
  fallbackOn: ['429', '5xx', 'timeout', 'network'] as FallbackOn[],
};

export const reliabilitySchema = z.strictObject({
  /** Extra tries of the same target before falling back to the next one. */
  retries: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0)
    .max(3, { error: 'must be at most 3' })
    .default(DEFAULT_RELIABILITY.retries),
  /** One attempt's limit until its whole answer (not streamed) or its first token (streamed) has arrived. */
  timeoutMs: z
    .number({ error: 'must be a number' })
    .int()
    .min(1_000, { error: 'must be at least 1000' })
    .max(900_000, { error: 'must be at most 900000' })
    .default(DEFAULT_RELIABILITY.timeoutMs),
  /** A streamed attempt's limit until its first token. */
  firstTokenTimeoutMs: z
    .number({ error: 'must be a number' })
    .int()
    .min(100, { error: 'must be at least 100' })
    .max(900_000, { error: 'must be at most 900000' })
    .default(DEFAULT_RELIABILITY.firstTokenTimeoutMs),
  /**
   * After a streamed attempt's first token, the longest wait for its next chunk; DEFAULT_IDLE_TIMEOUT_MS when absent
   * (not filled in as a default, so configs stored before the field existed read the same).
   */
  idleTimeoutMs: z
    .number({ error: 'must be a number' })
    .int()
    .min(100, { error: 'must be at least 100' })
    .max(900_000, { error: 'must be at most 900000' })
    .optional(),
  fallbackOn: z
    .array(z.enum(FALLBACK_ON, { error: `must be one of: ${FALLBACK_ON.join(', ')}` }))
    .max(FALLBACK_ON.length)
    .default(DEFAULT_RELIABILITY.fallbackOn),
});
export type Reliability = z.infer<typeof reliabilitySchema>;

/** A request metadata header (`x-roukey-metadata-<name>`); names are lower case as HTTP headers are compared. */
const metadataName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const stringOrList = z.union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).min(1).max(50)], {
  error: 'must be a string or an array of strings',
});

export const ruleSchema = z.strictObject({
  /** Shown as `x-roukey-route` and recorded when the rule matches; defaults to `rule-<n>` (1-based). */
  name: slug.optional(),
  when: z
    .strictObject({
      /** The request's `model` field, exactly, or a prefix ending in `*` (`gpt-4*`). */
      model: stringOrList.optional(),
      /** Whether the request offers tools. */
      tools: z.boolean({ error: 'must be a boolean' }).optional(),
      /** Bounds on the estimated prompt tokens, inclusive. */
      minPromptTokens: z.number().int().nonnegative().optional(),
      maxPromptTokens: z.number().int().nonnegative().optional(),
      /** `x-roukey-metadata-<name>` header values: every listed name must match one of its values. */
      metadata: z.record(metadataName, stringOrList).optional(),
    })
    .refine((w) => Object.values(w).some((v) => v !== undefined), { error: 'must set at least one condition' }),
  targets,
});
export type Rule = z.infer<typeof ruleSchema>;

export const classifierSchema = z.strictObject({
  /** `local`: in-memory scoring, no network call (default). `llm`: ask `model` through the account's own key. */
  method: z.enum(['local', 'llm'], { error: 'must be local or llm' }).default('local'),
  model: z.string().regex(TARGET_MODEL, { error: 'must have the form "<provider-key name>/<model id>"' }).optional(),
  /** The LLM classifier's strict limit; past it the local classifier decides. */
  timeoutMs: z.number().int().min(100, { error: 'must be at least 100' }).max(10_000, { error: 'must be at most 10000' }).default(1_500),
  /** Below this confidence (0-1) the config's default role is used. */
  minConfidence: z.number().min(0).max(1).optional(),
});
export type ClassifierSpec = z.infer<typeof classifierSchema>;

export const variantSchema = z.strictObject({
  name: slug,
  percent: z.number({ error: 'must be a number' }).min(0).max(100),
  targets,
});

export const routingConfigSchema = z
  .strictObject({
    name: slug,
    description: z.string().max(500, { error: 'must be at most 500 characters' }).optional(),
    /** The kind of model the config routes to (chat when absent): chat, Messages and Responses requests, or embeddings. */
    kind: z.enum(CONFIG_KINDS, { error: `must be one of: ${CONFIG_KINDS.join(', ')}` }).optional(),
    strategy: z.enum(STRATEGIES, { error: `must be one of: ${STRATEGIES.join(', ')}` }),
    /** The strategy's targets (fallback, weighted, cost, latency); for the other strategies, the last resort after the chosen group. */
    targets: targets.optional(),
    roles: z.record(slug, targets).optional(),
    defaultRole: slug.optional(),
    classifier: classifierSchema.optional(),
    bands: z.partialRecord(z.enum(COMPLEXITY_BANDS, { error: 'bands are named 1 to 5' }), targets).optional(),
    variants: z.array(variantSchema).min(1).max(10).optional(),
    reliability: reliabilitySchema.optional(),
    rules: z.array(ruleSchema).max(50, { error: 'must list at most 50 rules' }).optional(),
  })
  .superRefine((config, ctx) => {
    const need = (field: 'targets' | 'roles' | 'bands' | 'variants') => {
      const value = config[field];
      if (value === undefined || Object.keys(value).length === 0)
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for strategy ${config.strategy}` });
    };
    switch (config.strategy) {
      case 'role':
        need('roles');
        if (config.defaultRole === undefined) ctx.addIssue({ code: 'custom', path: ['defaultRole'], message: 'is required for strategy role' });
        else if (config.roles && !(config.defaultRole in config.roles))
          ctx.addIssue({ code: 'custom', path: ['defaultRole'], message: 'must be one of the roles in "roles"' });
        break;
      case 'complexity':
        need('bands');
        break;
      case 'ab': {
        need('variants');
        const variants = config.variants ?? [];
        const total = variants.reduce((sum, v) => sum + v.percent, 0);
        if (variants.length > 0 && Math.abs(total - 100) > 1e-9)
          ctx.addIssue({ code: 'custom', path: ['variants'], message: 'percentages must add up to 100' });
        const names = new Set<string>();
        variants.forEach((v, i) => {
          if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: 'must be unique' });
          names.add(v.name);
        });
        break;
      }
      default:
        need('targets');
    }
    if (config.kind === 'embedding' && CHAT_ONLY_STRATEGIES.includes(config.strategy)) {
      ctx.addIssue({ code: 'custom', path: ['strategy'], message: `${config.strategy} reads chat messages: an embedding config cannot use it` });
    }
    if (config.classifier?.method === 'llm' && config.classifier.model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['classifier', 'model'], message: 'is required when method is llm' });
    }
  });
/** A config as the client wrote it (weights and reliability may be left out). */
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;
/** A validated config, defaults filled in: what is stored and what the router reads. */
export type RoutingConfig = z.output<typeof routingConfigSchema>;

/** Built-in roles every account has (lambdas/routing/classify/builtin-roles.ts); an account may override them. */
export const BUILTIN_ROLE_NAMES = ['coding', 'writing', 'reasoning', 'math', 'translation', 'summarization', 'extraction', 'chat'] as const;
export type BuiltinRoleName = (typeof BUILTIN_ROLE_NAMES)[number];

/** `PUT /v1/roles/{name}`: the name comes from the path. */
export const roleBodySchema = z.strictObject({
  description: z
    .string({ error: 'is required and must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(1_000, { error: 'must be at most 1000 characters' }),
  examples: z
    .array(z.string().min(1).max(2_000, { error: 'must be at most 2000 characters' }), { error: 'must be an array of strings' })
    .max(50, { error: 'must list at most 50 examples' })
    .default([]),
  keywords: z
    .array(z.string().trim().min(1).max(64, { error: 'must be at most 64 characters' }), { error: 'must be an array of strings' })
    .max(100, { error: 'must list at most 100 keywords' })
    .default([]),
  /** Prepended as a system message when a request is routed by this role: configuration, not request content (P6). */
  systemPrompt: z.string().max(20_000, { error: 'must be at most 20000 characters' }).optional(),
});

/** A role as the classifier and the router read it. */
export type RoleDefinition = z.output<typeof roleBodySchema> & { readonly name: string };
