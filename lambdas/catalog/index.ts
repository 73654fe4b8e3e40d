export { catalogEntry, catalogModels, modelIdCandidates, modelKind, modelKindOfId } from './catalog-entry.js';
export {
  CAPABILITIES,
  catalogEntrySchema,
  type Capabilities,
  type Capability,
  type CatalogEntry,
  type EmbeddingSpec,
  type ModelKind,
} from './catalog-schema.js';
export { checkCapabilities, checkModelKind, requiredCapabilities } from './capabilities.js';
export { estimateCost } from './cost.js';
export { MODELS } from './models.js';
export { CompletionTokenCounter, estimateInputUsage, estimateUsage, generatedText, type EstimatedUsage } from './token-estimate.js';
