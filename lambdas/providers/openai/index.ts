import type { ProviderAdapter } from '../types.js';
import { buildChatRequest, readChatResponse, readChatStream, readFailure } from './chat-complete.js';
import { buildModelsRequest, readModels } from './models.js';
import { OPENAI_PRESETS, type OpenAiCompatibleId, type OpenAiPreset } from './presets.js';

/** The OpenAI wire format bound to one preset: same translation, that provider's endpoint, auth and quirks. */
export function openAiCompatibleAdapter(id: OpenAiCompatibleId, preset: OpenAiPreset): ProviderAdapter {
  return {
    id,
    chatRequest: (request, credentials) => buildChatRequest(preset, request, credentials),
    readChatResponse,
    readChatStream,
    readFailure,
    modelsRequest: (credentials) => buildModelsRequest(preset, credentials),
    readModels: (response) => readModels(preset, response),
  };
}

/** One adapter per preset, under its provider id (spread into the registry). */
export const OPENAI_COMPATIBLE = Object.fromEntries(
  Object.entries(OPENAI_PRESETS).map(([id, preset]) => [id, openAiCompatibleAdapter(id as OpenAiCompatibleId, preset)]),
) as Record<OpenAiCompatibleId, ProviderAdapter>;

export const openai = OPENAI_COMPATIBLE.openai;
