/** Wire formats a provider key can speak. Issue #3 adds anthropic, google, bedrock and the OpenAI-compatible presets. */
export const PROVIDER_IDS = ['openai', 'azure', 'groq', 'deepseek', 'xai', 'mistral', 'together', 'fireworks', 'openrouter', 'perplexity', 'cerebras', 'custom', 'anthropic', 'google', 'bedrock'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
