import type { ProviderAdapter } from '../types.js';
import { buildChatRequest } from './chat-request.js';
import { readChatResponse } from './chat-response.js';
import { readChatStream } from './chat-stream.js';
import { readFailure } from './failure.js';
import { buildModelsRequest, readModels } from './models.js';
import { sendConverse } from './send.js';

/** Amazon Bedrock's Converse API through the AWS SDK, authorised by the deployment's IAM role, spoken to OpenAI clients. */
export const bedrock: ProviderAdapter = {
  id: 'bedrock',
  chatRequest: buildChatRequest,
  send: sendConverse,
  readChatResponse,
  readChatStream,
  readFailure,
  modelsRequest: buildModelsRequest,
  readModels,
};
