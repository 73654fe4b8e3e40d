import { z } from 'zod';
import type { Construct } from 'constructs';

/** Stack inputs from cdk.json context or `cdk deploy -c key=value` (which passes strings), validated at synth. */
const stackConfigSchema = z.object({
  /** Steady-state requests per second across the stage, before API Gateway answers 429. */
  throttleRateLimit: z.coerce.number().int().positive().default(100),
  throttleBurstLimit: z.coerce.number().int().positive().default(200),
  /** Grants the router Bedrock's invoke actions; off unless the deployer opts in (`-c roukey:enableBedrock=true`). */
  enableBedrock: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'must be true or false' })
    .optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

export const CONTEXT_KEYS = {
  throttleRateLimit: 'roukey:throttleRateLimit',
  throttleBurstLimit: 'roukey:throttleBurstLimit',
  enableBedrock: 'roukey:enableBedrock',
} as const satisfies Record<keyof StackConfig, string>;

export function readStackConfig(scope: Construct): StackConfig {
  const raw = Object.fromEntries(
    Object.entries(CONTEXT_KEYS).map(([field, key]) => [field, scope.node.tryGetContext(key) as unknown]),
  );
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${CONTEXT_KEYS[i.path[0] as keyof StackConfig] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid RouKey context: ${issues.join('; ')}`);
  }
  return parsed.data;
}
