import type { ProviderId } from '../provider-ids.js';
import type { CatalogEntry, ModelKind } from './catalog-schema.js';
import { MODELS } from './models.js';

/**
 * Suffixes a provider adds to a catalog model's id for a pinned snapshot, tried in this order. Each names a date or
 * an alias tag, never a different model, so a snapshot is priced like its family and nothing else.
 */
const SNAPSHOT_SUFFIXES = [
  /-latest$/, // claude-3-7-sonnet-latest, mistral-large-latest
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI: gpt-4o-2024-08-06
  /[-@]\d{8}$/, // Anthropic: claude-sonnet-4-5-20250929; Vertex AI: claude-sonnet-4-5@20250929
  /-preview-\d{2}-\d{2}$/, // Google: gemini-2.5-pro-preview-06-05
  /-\d{3}$/, // Google's stable versions: gemini-2.0-flash-001
  /-\d{4}$/, // xAI and Mistral: grok-4-0709, mistral-medium-2508
] as const;

/** Google's REST names carry a `models/` prefix; the catalog does not. */
const RESOURCE_PREFIX = /^models\//;

const byKey = new Map<string, CatalogEntry>();
/** Model ids by kind whatever the provider: a config names models before the router knows each key's provider. */
const kindById = new Map<string, ModelKind>();
for (const entry of MODELS) {
  for (const id of [entry.model, ...(entry.aliases ?? [])]) {
    byKey.set(key(entry.provider, id), entry);
    kindById.set(id, modelKind(entry));
  }
}

/** What a catalog entry's model is for. */
export function modelKind(entry: CatalogEntry): ModelKind {
  return entry.embedding ? 'embedding' : 'chat';
}

/** The kind of a model id the catalog knows under any provider (snapshots matched to their family); undefined if unknown. */
export function modelKindOfId(model: string): ModelKind | undefined {
  for (const id of modelIdCandidates(model)) {
    const kind = kindById.get(id);
    if (kind) return kind;
  }
  return undefined;
}

function key(provider: ProviderId, model: string): string {
  return `${provider}:${model}`;
}

/** The ids tried for a model, most specific first: the id itself, then with one snapshot suffix removed at a time. */
export function modelIdCandidates(model: string): string[] {
  let id = model.trim().toLowerCase().replace(RESOURCE_PREFIX, '');
  const candidates = [id];
  for (const suffix of SNAPSHOT_SUFFIXES) {
    if (!suffix.test(id)) continue;
    id = id.replace(suffix, '');
    candidates.push(id);
  }
  return candidates;
}

// A lookup tries several snapshot-suffix patterns, and the router makes one per target per request,
// for the same few models every time. The catalog is fixed for the process; the bound keeps odd model ids in check.
// Nested by provider so no key string is built per lookup.
const MAX_REMEMBERED = 1_000;
const remembered = new Map<ProviderId, Map<string, CatalogEntry | null>>();
let rememberedCount = 0;

/** The catalog's entry for a provider's model, matching dated snapshots to their family; undefined if unknown. */
export function catalogEntry(provider: ProviderId, model: string): CatalogEntry | undefined {
  let models = remembered.get(provider);
  const known = models?.get(model);
  if (known !== undefined) return known ?? undefined;
  if (rememberedCount >= MAX_REMEMBERED) {
    remembered.clear();
    rememberedCount = 0;
    models = undefined;
  }
  if (!models) remembered.set(provider, (models = new Map()));
  const entry = lookUp(provider, model);
  models.set(model, entry ?? null);
  rememberedCount++;
  return entry;
}

function lookUp(provider: ProviderId, model: string): CatalogEntry | undefined {
  for (const id of modelIdCandidates(model)) {
    const entry = byKey.get(key(provider, id));
    if (entry) return entry;
  }
  return undefined;
}

/** The catalog's models of one provider, for listing where the provider's own model list is unavailable. */
export function catalogModels(provider: ProviderId): readonly CatalogEntry[] {
  return MODELS.filter((entry) => entry.provider === provider);
}
