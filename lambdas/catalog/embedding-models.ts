import type { Capabilities, CatalogEntry } from './catalog-schema.js';

/**
 * Embedding models, in the same catalog as chat models (catalog-entry.ts looks both up): prices in USD per million
 * input tokens, read from the providers' pricing pages (OpenAI, Google AI, Amazon Bedrock, Mistral) on the date in
 * `pricesReadOn`; `contextWindow` is the longest input, `embedding.dimensions` the vector's full length.
 */
const READ_ON = '2026-11-26';
const NONE: Capabilities = { tools: false, vision: false, jsonSchema: false, reasoning: false };
const input = (price: number) => ({ input: price, output: 0, cachedInput: price });

export const EMBEDDING_MODELS: readonly CatalogEntry[] = [
  // OpenAI — https://developers.openai.com/api/docs/pricing (the v3 models shorten their vectors on request)
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    contextWindow: 8_191,
    capabilities: NONE,
    embedding: { dimensions: 1_536, reducibleTo: 'any' },
    prices: input(0.02),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'text-embedding-3-large',
    contextWindow: 8_191,
    capabilities: NONE,
    embedding: { dimensions: 3_072, reducibleTo: 'any' },
    prices: input(0.13),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'openai',
    model: 'text-embedding-ada-002',
    contextWindow: 8_191,
    capabilities: NONE,
    embedding: { dimensions: 1_536 },
    prices: input(0.1),
    pricesReadOn: READ_ON,
  },
  // Google — https://ai.google.dev/gemini-api/docs/pricing (`outputDimensionality` shortens the vector)
  {
    provider: 'google',
    model: 'gemini-embedding-001',
    contextWindow: 2_048,
    capabilities: NONE,
    embedding: { dimensions: 3_072, reducibleTo: 'any' },
    prices: input(0.15),
    pricesReadOn: READ_ON,
  },
  // Amazon Bedrock — https://aws.amazon.com/bedrock/pricing/ (Titan v2 returns 1024, 512 or 256 values)
  {
    provider: 'bedrock',
    model: 'amazon.titan-embed-text-v2:0',
    contextWindow: 8_192,
    capabilities: NONE,
    embedding: { dimensions: 1_024, reducibleTo: [256, 512, 1_024] },
    prices: input(0.02),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'bedrock',
    model: 'amazon.titan-embed-text-v1',
    contextWindow: 8_192,
    capabilities: NONE,
    embedding: { dimensions: 1_536 },
    prices: input(0.1),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'bedrock',
    model: 'cohere.embed-english-v3',
    contextWindow: 512,
    capabilities: NONE,
    embedding: { dimensions: 1_024 },
    prices: input(0.1),
    pricesReadOn: READ_ON,
  },
  {
    provider: 'bedrock',
    model: 'cohere.embed-multilingual-v3',
    contextWindow: 512,
    capabilities: NONE,
    embedding: { dimensions: 1_024 },
    prices: input(0.1),
    pricesReadOn: READ_ON,
  },
  // Mistral — https://mistral.ai/pricing
  {
    provider: 'mistral',
    model: 'mistral-embed',
    contextWindow: 8_192,
    capabilities: NONE,
    embedding: { dimensions: 1_024 },
    prices: input(0.1),
    pricesReadOn: READ_ON,
  },
];
