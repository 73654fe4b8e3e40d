import { z } from 'zod';
import { PROVIDER_IDS } from '../provider-ids.js';
import { openAiPreset } from '../providers/openai/presets.js';
import { PROVIDER_KEY_NAME, routingConfigSchema } from '../routing/config-schema.js';

/** The fields a person gives for a provider key, shared by the create and correct routes. */
const providerKeyFields = {
  name: z.string({ error: 'must be a string' }).regex(PROVIDER_KEY_NAME, { error: 'must be 1-64 lowercase letters, digits or hyphens' }),
  // Printable ASCII without spaces: it ends up in an HTTP header.
  apiKey: z
    .string({ error: 'is required and must be a string' })
    // The hint shows the last 4 characters: of a shorter key that would be half of it or all of it.
    .min(8, { error: 'must be at least 8 characters' })
    .max(4096, { error: 'must be at most 4096 characters' })
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' }),
  // Bedrock is authorised by the deployment's IAM role: its keys name a region (e.g. us-east-1) instead of a secret.
  region: z.string({ error: 'must be a string' }).regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, { error: 'must be an AWS region id such as us-east-1' }),
  baseUrl: z.string({ error: 'must be a string' }).max(2048, { error: 'must be at most 2048 characters' }),
  // Azure's dated API versions, e.g. 2024-10-21 or 2025-04-01-preview.
  apiVersion: z.string({ error: 'must be a string' }).regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, { error: 'must be an Azure API version such as 2024-10-21' }),
};

/** Wire shapes of the key management routes; request types are inferred from them. */
export const createProviderKeySchema = z
  .strictObject({
    provider: z.enum(PROVIDER_IDS, { error: `must be one of: ${PROVIDER_IDS.join(', ')}` }),
    name: providerKeyFields.name.optional(),
    apiKey: providerKeyFields.apiKey.optional(),
    region: providerKeyFields.region.optional(),
    baseUrl: providerKeyFields.baseUrl.optional(),
    apiVersion: providerKeyFields.apiVersion.optional(),
  })
  .superRefine(({ provider, apiKey, region, baseUrl, apiVersion }, ctx) => {
    if (provider === 'bedrock') {
      if (region === undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: 'is required for bedrock provider keys' });
      if (apiKey !== undefined)
        ctx.addIssue({ code: 'custom', path: ['apiKey'], message: "is not accepted for bedrock provider keys (the deployment's IAM role is used)" });
      if (baseUrl !== undefined) ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'is not accepted for bedrock provider keys' });
      return;
    }
    if (apiKey === undefined) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'is required and must be a string' });
    if (region !== undefined) ctx.addIssue({ code: 'custom', path: ['region'], message: 'is only accepted for bedrock provider keys' });
    // Presets without a public endpoint (azure, custom) only work with the key's own.
    const preset = openAiPreset(provider);
    if (baseUrl === undefined && preset !== undefined && preset.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: `is required for ${provider} provider keys` });
    }
    if (apiVersion !== undefined && provider !== 'azure') {
      ctx.addIssue({ code: 'custom', path: ['apiVersion'], message: 'is only accepted for azure provider keys' });
    }
  });
export type CreateProviderKeyInput = z.infer<typeof createProviderKeySchema>;

const apiKeyName = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' });

export const createApiKeySchema = z.strictObject({ name: apiKeyName });
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

/**
 * `PATCH /v1/provider-keys/{id}`: rename, rotate (a new `apiKey`), re-point (`baseUrl`; null goes back to the provider's
 * public host), or for Azure a new `apiVersion`; for Bedrock a new `region`. Which fields a provider's key accepts is
 * the service's rule, as on create.
 */
export const updateProviderKeySchema = z
  .strictObject({
    name: providerKeyFields.name.optional(),
    apiKey: providerKeyFields.apiKey.optional(),
    baseUrl: providerKeyFields.baseUrl.nullable().optional(),
    apiVersion: providerKeyFields.apiVersion.optional(),
    region: providerKeyFields.region.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: 'must change at least one of: name, apiKey, baseUrl, apiVersion, region' });
export type UpdateProviderKeyInput = z.infer<typeof updateProviderKeySchema>;

/** `PATCH /v1/api-keys/{id}`: rename, and bind to a config (null unbinds). */
export const updateApiKeySchema = z
  .strictObject({ name: apiKeyName.optional(), config: routingConfigSchema.shape.name.nullable().optional() })
  .refine((body) => Object.keys(body).length > 0, { error: 'must change at least one of: name, config' });
export type UpdateApiKeyInput = z.infer<typeof updateApiKeySchema>;

/** Ids as newId() makes them; anything else cannot exist, so it is a 404 without a read. */
export const PROVIDER_KEY_ID = /^pk_[A-Za-z0-9_-]{22}$/;
export const API_KEY_ID = /^key_[A-Za-z0-9_-]{22}$/;
