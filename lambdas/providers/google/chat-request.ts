import type { UpstreamCredentials } from '../types.js';
import { ApiError } from '../../http/errors.js';
import { invalidParam, parseOrThrow } from '../../http/zod-errors.js';
import { appendTurn, joinedText, userItems } from '../turns.js';
import type { ChatRequest, UpstreamHttpRequest } from '../types.js';
import { generateContentUrl, googleHeaders, isLegacyGeminiModel } from './api.js';
import { fitsOpenApiSubset } from './json-schema.js';
import { firstUnsupportedField, googleChatBodySchema, type GoogleChatBody, type Message, type ReasoningEffort, type ToolCall } from './request-schema.js';

type Part = Record<string, unknown>;
interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

/**
 * Documented as the value that tells Gemini 3+ to skip thought-signature validation, for function calls
 * whose signature was lost (history from another model, or a client that dropped `extra_content`).
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** OpenAI chat request → Gemini generateContent / streamGenerateContent. Untranslatable input is a 400 naming the field. */
export function buildChatRequest(request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest {
  const unsupported = firstUnsupportedField(request.body);
  if (unsupported) throw new ApiError('invalid_request', `The parameter ${unsupported} is not supported for google models.`, { param: unsupported });
  const body = parseOrThrow(googleChatBodySchema, request.body, { innermostUnion: true });

  const gemini: Record<string, unknown> = { contents: contents(body.messages, request.model) };
  const system = systemInstruction(body.messages);
  if (system) gemini.systemInstruction = system;
  if (body.tools && body.tools.length > 0) {
    gemini.tools = [{ functionDeclarations: body.tools.map((t) => functionDeclaration(t.function)) }];
  }
  const toolConfig = functionCallingConfig(body.tool_choice);
  if (toolConfig) gemini.toolConfig = { functionCallingConfig: toolConfig };
  const config = generationConfig(body, request.model);
  if (Object.keys(config).length > 0) gemini.generationConfig = config;

  return {
    url: generateContentUrl(credentials, request.model, request.stream),
    method: 'POST',
    headers: googleHeaders(credentials, request.stream ? 'text/event-stream' : 'application/json', true),
    body: JSON.stringify(gemini),
  };
}

/** Every system and developer message, wherever it stands, joined into Gemini's single system instruction. */
function systemInstruction(messages: Message[]): { parts: Part[] } | undefined {
  const parts = messages.flatMap((m) => (m.role === 'system' || m.role === 'developer' ? textParts(m.content) : []));
  return parts.length > 0 ? { parts } : undefined;
}

function contents(messages: Message[], model: string): Content[] {
  const out: Content[] = [];
  // Gemini's function responses are matched by name; OpenAI's by call id.
  const callNames = new Map<string, string>();
  // Consecutive turns of one role (parallel tool results, say) become one Gemini turn.
  const push = (role: Content['role'], parts: Part[]) => appendTurn(out, 'parts', role, parts);
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return;
      case 'user':
        return push(
          'user',
          userItems<Part>(m.content, i, (text) => ({ text }), imagePart),
        );
      case 'assistant': {
        const parts: Part[] = assistantText(m.content);
        (m.tool_calls ?? []).forEach((call, j) => {
          callNames.set(call.id, call.function.name);
          parts.push(functionCallPart(call, `messages.${i}.tool_calls.${j}.function.arguments`, j === 0 && !isLegacyGeminiModel(model)));
        });
        return push('model', parts);
      }
      case 'tool': {
        const name = callNames.get(m.tool_call_id);
        if (name === undefined) throw invalidParam(`messages.${i}.tool_call_id`, 'does not match a tool call of an earlier assistant message');
        return push('user', [{ functionResponse: { name, response: functionResponse(joinedText(m.content)) } }]);
      }
    }
  });
  return out;
}

function textParts(content: string | Array<{ text: string }>): Part[] {
  return typeof content === 'string' ? [{ text: content }] : content.map((p) => ({ text: p.text }));
}

function assistantText(content: string | Array<{ type: 'text'; text: string } | { type: 'refusal'; refusal: string }> | null | undefined): Part[] {
  if (content === null || content === undefined || content === '') return [];
  if (typeof content === 'string') return [{ text: content }];
  return content.map((p) => ({ text: p.type === 'text' ? p.text : p.refusal }));
}

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)((?:;[\w-]+=[^;,]*)*);base64,([A-Za-z0-9+/=\s]*)$/;
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imagePart(url: string, param: string): Part {
  const data = DATA_URL.exec(url);
  if (data) return { inlineData: { mimeType: data[1] ?? '', data: (data[3] ?? '').replace(/\s/g, '') } };
  if (/^https?:\/\//i.test(url)) {
    const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
    return { fileData: { fileUri: url, mimeType: (extension && IMAGE_TYPES[extension]) ?? 'image/*' } };
  }
  throw invalidParam(param, 'must be an http(s) URL or a base64 data: URL');
}

function functionCallPart(call: ToolCall, param: string, needsSignature: boolean): Part {
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
  } catch {
    throw invalidParam(param, 'must be a JSON object');
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidParam(param, 'must be a JSON object');
  const part: Part = { functionCall: { name: call.function.name, args } };
  const signature = call.extra_content?.google?.thought_signature;
  // Gemini 3+ rejects a turn whose first function call carries no signature.
  if (signature) part.thoughtSignature = signature;
  else if (needsSignature) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  return part;
}

/** Gemini wants a JSON object as a function's response; any other tool output is wrapped. */
function functionResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Plain text output.
  }
  return { result: text };
}

function functionDeclaration(fn: { name: string; description?: string; parameters?: Record<string, unknown> }): Record<string, unknown> {
  const declaration: Record<string, unknown> = { name: fn.name };
  if (fn.description !== undefined) declaration.description = fn.description;
  // An object schema without properties is what OpenAI sends for a function with no arguments; Gemini wants none.
  if (fn.parameters !== undefined && !isEmptyObjectSchema(fn.parameters)) {
    declaration[fitsOpenApiSubset(fn.parameters) ? 'parameters' : 'parametersJsonSchema'] = fn.parameters;
  }
  return declaration;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const properties = schema.properties as Record<string, unknown> | undefined;
  return (
    Object.keys(schema).every((k) => k === 'type' || k === 'properties' || k === 'additionalProperties') &&
    (properties === undefined || Object.keys(properties).length === 0)
  );
}

function functionCallingConfig(choice: GoogleChatBody['tool_choice']): Record<string, unknown> | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
}

function generationConfig(body: GoogleChatBody, model: string): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== null && value !== undefined) config[key] = value;
  };
  set('temperature', body.temperature);
  set('topP', body.top_p);
  set('maxOutputTokens', body.max_completion_tokens ?? body.max_tokens);
  set('stopSequences', typeof body.stop === 'string' ? [body.stop] : body.stop);
  set('seed', body.seed);
  set('candidateCount', body.n);
  set('presencePenalty', body.presence_penalty);
  set('frequencyPenalty', body.frequency_penalty);
  const format = body.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = format.json_schema.schema;
    if (schema) config[fitsOpenApiSubset(schema) ? 'responseSchema' : 'responseJsonSchema'] = schema;
  }
  if (body.reasoning_effort) config.thinkingConfig = thinkingConfig(body.reasoning_effort, model);
  return config;
}

/** Google's own OpenAI compatibility mapping: token budgets for Gemini 2.x, thinking levels after it. */
const THINKING_BUDGETS = { none: 0, minimal: 1024, low: 1024, medium: 8192, high: 24576 } as const satisfies Record<ReasoningEffort, number>;

function thinkingConfig(effort: ReasoningEffort, model: string): Record<string, unknown> {
  const includeThoughts = effort !== 'none';
  if (isLegacyGeminiModel(model)) return { thinkingBudget: THINKING_BUDGETS[effort], includeThoughts };
  // Gemini 3+ cannot switch thinking off; `minimal` is its lowest level.
  return { thinkingLevel: effort === 'none' ? 'minimal' : effort, includeThoughts };
}
