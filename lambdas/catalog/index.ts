export { catalogEntry, catalogModels, modelIdCandidates } from './catalog-entry.js';
export { CAPABILITIES, catalogEntrySchema, type Capabilities, type Capability, type CatalogEntry } from './catalog-schema.js';
export { checkCapabilities, requiredCapabilities } from './capabilities.js';
export { estimateCost } from './cost.js';
export { MODELS } from './models.js';
export { CompletionTokenCounter, estimateUsage, generatedText, type EstimatedUsage } from './token-estimate.js';
