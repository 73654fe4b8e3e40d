import type { Usage } from '../providers/types.js';
import type { CatalogEntry } from './catalog-schema.js';

const PER_MILLION = 1_000_000;

/**
 * The request's estimated cost in USD from its usage and the model's catalog prices; undefined for a model the
 * catalog does not know. `prompt_tokens` includes the cached tokens (OpenAI's convention, which every adapter
 * follows), so those are priced at `cachedInput` and the rest at `input`.
 */
export function estimateCost(usage: Usage, entry: CatalogEntry | undefined): number | undefined {
  if (!entry) return undefined;
  const prompt = tokenCount(usage.prompt_tokens);
  const cached = Math.min(tokenCount(usage.prompt_tokens_details?.cached_tokens), prompt);
  const completion = tokenCount(usage.completion_tokens);
  const { input, cachedInput, output } = entry.prices;
  return ((prompt - cached) * input + cached * cachedInput + completion * output) / PER_MILLION;
}

/** Counts from an upstream are untrusted: anything but a non-negative finite number counts as none. */
function tokenCount(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}
