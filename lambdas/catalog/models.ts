import type { Capabilities, CatalogEntry } from './catalog-schema.js';
import { EMBEDDING_MODELS } from './embedding-models.js';

/**
 * The model catalog: the one place that knows context windows, capabilities and prices (DESIGN.md: the catalog
 * exists once and is imported by everything that needs it).
 *
 * Prices are USD per million tokens, read from the providers' own pricing and model pages (OpenAI, Anthropic,
 * Google AI, Groq, DeepSeek, Mistral, xAI) on the date in `pricesReadOn`, checked against GitHub Copilot's published
 * per-token price table. They are ESTIMATES for the activity record, not invoices: providers change prices, and
 * tiers are simplified — where a price depends on prompt length (Gemini Pro above 200K, GPT-5.x above 272K
 * tokens) the lower tier is listed; Anthropic's cache writes, batch and priority discounts are not modelled.
 * Where a provider gives no cached-input discount, `cachedInput` equals `input`. Where a provider publishes no
 * separate output limit (Mistral, xAI), `maxOutputTokens` is the context window.
 *
 * Capabilities say what the model accepts through its provider's API. A capability is false only where the
 * provider documents it as unsupported: a false entry rejects requests before any upstream call.
 */
const READ_ON = '2026-11-26';

const ALL: Capabilities = { tools: true, vision: true, jsonSchema: true, reasoning: true };
const NO_REASONING: Capabilities = { ...ALL, reasoning: false };
const TEXT_TOOLS: Capabilities = { tools: true, vision: false, jsonSchema: false, reasoning: false };
const TEXT_REASONING: Capabilities = { ...TEXT_TOOLS, reasoning: true };

const usd = (input: number, output: number, cachedInput = input) => ({ input, output, cachedInput });

const CHAT_MODELS: readonly CatalogEntry[] = [
  // OpenAI — https://developers.openai.com/api/docs/pricing
  {
    provider: 'openai',
    model: 'gpt-5.5',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(5, 30, 0.5),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-5.4',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(2.5, 15, 0.25),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-5',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(1.25, 10, 0.125),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-5-mini',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(0.25, 2, 0.025),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-5-nano',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(0.05, 0.4, 0.005),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-4.1',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: NO_REASONING,
    prices: usd(2, 8, 0.5),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-4.1-mini',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: NO_REASONING,
    prices: usd(0.4, 1.6, 0.1),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-4.1-nano',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: NO_REASONING,
    prices: usd(0.1, 0.4, 0.025),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-4o',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: NO_REASONING,
    prices: usd(2.5, 10, 1.25),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: NO_REASONING,
    prices: usd(0.15, 0.6, 0.075),
    pricesReadOn: READ_ON,
  },
  { provider: 'openai', model: 'o3', contextWindow: 200_000, maxOutputTokens: 100_000, capabilities: ALL, prices: usd(2, 8, 0.5), pricesReadOn: READ_ON },
  {
    provider: 'openai',
    model: 'o4-mini',
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: ALL,
    prices: usd(1.1, 4.4, 0.275),
    pricesReadOn: READ_ON,
  },

  // Anthropic — https://platform.claude.com/docs/en/about-claude/pricing ("cache hits" as cachedInput)
  {
    provider: 'anthropic',
    model: 'claude-opus-5',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(5, 25, 0.5),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-5',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    capabilities: ALL,
    prices: usd(2, 10, 0.2),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ALL,
    prices: usd(5, 25, 0.5),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ALL,
    prices: usd(3, 15, 0.3),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ALL,
    prices: usd(1, 5, 0.1),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4-1',
    contextWindow: 200_000,
    maxOutputTokens: 32_000,
    capabilities: ALL,
    prices: usd(15, 75, 1.5),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    aliases: ['claude-sonnet-4-0'],
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ALL,
    prices: usd(3, 15, 0.3),
    pricesReadOn: READ_ON,
  },

  // Google — https://ai.google.dev/gemini-api/docs/pricing (prompts ≤ 200K tokens)
  {
    provider: 'google',
    model: 'gemini-3-pro-preview',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: ALL,
    prices: usd(2, 12, 0.2),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-pro',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: ALL,
    prices: usd(1.25, 10, 0.125),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: ALL,
    prices: usd(0.3, 2.5, 0.03),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash-lite',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: ALL,
    prices: usd(0.1, 0.4, 0.01),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'google',
    model: 'gemini-2.0-flash',
    contextWindow: 1_048_576,
    maxOutputTokens: 8_192,
    capabilities: NO_REASONING,
    prices: usd(0.1, 0.4, 0.025),
    pricesReadOn: READ_ON,
  },

  // Groq — https://groq.com/pricing (no cached-input discount on these models; json_schema only on newer models)
  {
    provider: 'groq',
    model: 'llama-3.3-70b-versatile',
    contextWindow: 131_072,
    maxOutputTokens: 32_768,
    capabilities: TEXT_TOOLS,
    prices: usd(0.59, 0.79),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: TEXT_TOOLS,
    prices: usd(0.05, 0.08),
    pricesReadOn: READ_ON,
  },

  // DeepSeek — https://api-docs.deepseek.com/quick_start/pricing (cache hit as cachedInput; JSON mode but no json_schema)
  {
    provider: 'deepseek',
    model: 'deepseek-chat',
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    capabilities: TEXT_TOOLS,
    prices: usd(0.28, 0.42, 0.028),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'deepseek',
    model: 'deepseek-reasoner',
    contextWindow: 128_000,
    maxOutputTokens: 65_536,
    capabilities: TEXT_REASONING,
    prices: usd(0.28, 0.42, 0.028),
    pricesReadOn: READ_ON,
  },

  // Mistral — https://mistral.ai/pricing
  {
    provider: 'mistral',
    model: 'mistral-large-2411',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: { ...NO_REASONING, vision: false },
    prices: usd(2, 6),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'mistral',
    model: 'mistral-medium-2505',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: NO_REASONING,
    prices: usd(0.4, 2),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'mistral',
    model: 'mistral-small-2506',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: NO_REASONING,
    prices: usd(0.1, 0.3),
    pricesReadOn: READ_ON,
  },

  // xAI — https://docs.x.ai/docs/models
  { provider: 'xai', model: 'grok-4', contextWindow: 256_000, maxOutputTokens: 256_000, capabilities: ALL, prices: usd(3, 15, 0.75), pricesReadOn: READ_ON },
  {
    provider: 'xai',
    model: 'grok-3-mini',
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    capabilities: { ...ALL, vision: false },
    prices: usd(0.3, 0.5, 0.075),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'xai',
    model: 'grok-code-fast-1',
    contextWindow: 256_000,
    maxOutputTokens: 256_000,
    capabilities: { ...ALL, vision: false },
    prices: usd(0.2, 1.5, 0.02),
    pricesReadOn: READ_ON,
  },
];

/** Every model the catalog knows: chat models, then embedding models. */
export const MODELS: readonly CatalogEntry[] = [...CHAT_MODELS, ...EMBEDDING_MODELS];
