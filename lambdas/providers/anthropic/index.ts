import type { ProviderAdapter } from '../types.js';
import { buildChatRequest } from './chat-request.js';
import { readChatResponse } from './chat-response.js';
import { readChatStream } from './chat-stream.js';
import { readFailure } from './failure.js';
import { buildModelsRequest, readModels } from './models.js';

/** Anthropic's Messages API, spoken to from OpenAI's chat shapes. */
export const anthropic: ProviderAdapter = {
  id: 'anthropic',
  chatRequest: buildChatRequest,
  readChatResponse,
  readChatStream,
  readFailure,
  modelsRequest: buildModelsRequest,
  readModels,
};
