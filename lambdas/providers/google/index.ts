import type { ProviderAdapter } from '../types.js';
import { buildChatRequest } from './chat-request.js';
import { readChatResponse } from './chat-response.js';
import { readChatStream } from './chat-stream.js';
import { readFailure } from './failure.js';
import { buildModelsRequest, readModels } from './models.js';

/** Google's Gemini API (generateContent), spoken to OpenAI clients. */
export const google: ProviderAdapter = {
  id: 'google',
  chatRequest: buildChatRequest,
  readChatResponse,
  readChatStream,
  readFailure,
  modelsRequest: buildModelsRequest,
  readModels,
};
