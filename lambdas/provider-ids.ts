/**
 * Wire formats a provider key can speak, by id. Providers, the catalog, provider keys and routing all name them,
 * so the ids live apart from any of them: routing needs the id, not the wire format.
 */
export const PROVIDER_IDS = [
  'openai',
  'azure',
  'groq',
  'deepseek',
  'xai',
  'mistral',
  'together',
  'fireworks',
  'openrouter',
  'perplexity',
  'cerebras',
  'custom',
  'anthropic',
  'google',
  'bedrock',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
