import type { ProviderAdapter } from '../types.js';
import { buildChatRequest, readChatResponse, readChatStream, readFailure } from './chat-complete.js';
import { buildModelsRequest, readModels } from './models.js';

export const openai: ProviderAdapter = {
  id: 'openai',
  chatRequest: buildChatRequest,
  readChatResponse,
  readChatStream,
  readFailure,
  modelsRequest: buildModelsRequest,
  readModels,
};
