/** Classification and complexity scoring of a request, in memory: the prompt is read, never kept (P1). */
export { BUILTIN_ROLE_SET, BUILTIN_ROLES, isBuiltinRole } from './builtin-roles.js';
export { belowThreshold, classifyLocal, DEFAULT_MIN_CONFIDENCE } from './local-classifier.js';
export { classifyWithLlm, type ClassifierMessage, type LlmClassifierOptions } from './llm-classifier.js';
export { scoreComplexity } from './complexity.js';
