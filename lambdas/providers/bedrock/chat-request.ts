import type { UpstreamCredentials } from '../types.js';
import { ApiError } from '../../http/errors.js';
import { invalidParam, parseOrThrow } from '../../http/zod-errors.js';
import { appendTurn, joinedText, userItems } from '../turns.js';
import type { ChatRequest, UpstreamHttpRequest } from '../types.js';
import { converseUrl, isClaudeModel } from './api.js';
import { bedrockChatBodySchema, firstUnsupportedField, type BedrockChatBody, type Message, type ToolCall } from './request-schema.js';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Without max_tokens Bedrock applies each model's own default; with thinking a bound is needed above the budget. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Claude thinking budgets for OpenAI's reasoning_effort, as the anthropic adapter uses (minimum 1024). */
export const THINKING_BUDGET_BY_EFFORT = { minimal: 1024, low: 2048, medium: 8192, high: 24576 } as const;

/**
 * OpenAI chat request → Converse request body (its REST JSON shape, image bytes base64), addressed to the
 * Converse or ConverseStream URL. Untranslatable input is a 400 naming the field.
 */
export function buildChatRequest(request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest {
  const unsupported = firstUnsupportedField(request.body);
  if (unsupported) throw new ApiError('invalid_request', `The parameter ${unsupported} is not supported for bedrock models.`, { param: unsupported });
  const body = parseOrThrow(bedrockChatBodySchema, request.body, { innermostUnion: true });

  const converse: Record<string, unknown> = { messages: turns(body.messages) };
  const system = body.messages.flatMap((m) => (m.role === 'system' || m.role === 'developer' ? textBlocks(m.content) : []));
  if (system.length > 0) converse.system = system;
  const toolConfig = toolConfigOf(body);
  if (toolConfig) converse.toolConfig = toolConfig;
  const thinking = thinkingOf(body, request.model);
  const inference = inferenceConfig(body, thinking?.budget_tokens);
  if (Object.keys(inference).length > 0) converse.inferenceConfig = inference;
  if (thinking) converse.additionalModelRequestFields = { thinking };

  return {
    url: converseUrl(credentials, request.model, request.stream),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(converse),
  };
}

/** Converse wants alternating user/assistant turns; consecutive turns of one role (tool results, say) are merged. */
function turns(messages: Message[]): Turn[] {
  const out: Turn[] = [];
  const push = (role: Turn['role'], content: Block[]) => appendTurn(out, 'content', role, content);
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return;
      case 'user':
        return push(
          'user',
          userItems<Block>(m.content, i, (text) => ({ text }), imageBlock),
        );
      case 'assistant':
        return push('assistant', [
          ...assistantText(m.content),
          ...(m.tool_calls ?? []).map((call, j) => toolUse(call, `messages.${i}.tool_calls.${j}.function.arguments`)),
        ]);
      case 'tool':
        return push('user', [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text: joinedText(m.content) }] } }]);
    }
  });
  return out;
}

function textBlocks(content: string | Array<{ text: string }>): Block[] {
  return typeof content === 'string' ? [{ text: content }] : content.map((p) => ({ text: p.text }));
}

/** Converse refuses blank text blocks; an assistant turn that only called tools has none. */
function assistantText(content: string | Array<{ type: 'text'; text: string } | { type: 'refusal'; refusal: string }> | null | undefined): Block[] {
  if (content === null || content === undefined) return [];
  const texts = typeof content === 'string' ? [content] : content.map((p) => (p.type === 'text' ? p.text : p.refusal));
  return texts.filter((t) => t.length > 0).map((text) => ({ text }));
}

const DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp)((?:;[\w-]+=[^;,]*)*);base64,([A-Za-z0-9+/=\s]*)$/i;

/** Converse takes image bytes only: a data URL becomes bytes; a URL it would have to fetch is refused. */
function imageBlock(url: string, param: string): Block {
  const data = DATA_URL.exec(url);
  if (data) {
    const format = (data[1] ?? '').toLowerCase();
    return { image: { format: format === 'jpg' ? 'jpeg' : format, source: { bytes: (data[3] ?? '').replace(/\s/g, '') } } };
  }
  if (/^https?:\/\//i.test(url)) throw invalidParam(param, 'bedrock takes images as bytes only: send a base64 data: URL (png, jpeg, gif or webp)');
  throw invalidParam(param, 'must be a base64 data: URL of a png, jpeg, gif or webp image');
}

function toolUse(call: ToolCall, param: string): Block {
  let input: unknown;
  try {
    input = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
  } catch {
    throw invalidParam(param, 'must be a JSON object');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidParam(param, 'must be a JSON object');
  return { toolUse: { toolUseId: call.id, name: call.function.name, input } };
}

/** tool_choice none sends no tools at all: Converse has no way to offer tools yet forbid their use. */
function toolConfigOf(body: BedrockChatBody): Record<string, unknown> | undefined {
  if (!body.tools || body.tools.length === 0 || body.tool_choice === 'none') return undefined;
  const tools = body.tools.map(({ function: f }) => ({
    toolSpec: {
      name: f.name,
      ...(f.description !== undefined ? { description: f.description } : {}),
      inputSchema: { json: f.parameters ?? { type: 'object', properties: {} } },
    },
  }));
  const choice = body.tool_choice;
  if (choice === null || choice === undefined) return { tools };
  if (choice === 'auto') return { tools, toolChoice: { auto: {} } };
  if (choice === 'required') return { tools, toolChoice: { any: {} } };
  return { tools, toolChoice: { tool: { name: choice.function.name } } };
}

/** Extended thinking is documented for Claude on Bedrock only; asking it of another model is a 400, not a silent drop. */
function thinkingOf(body: BedrockChatBody, model: string): { type: 'enabled'; budget_tokens: number } | undefined {
  const effort = body.reasoning_effort;
  if (effort === null || effort === undefined || effort === 'none') return undefined;
  if (!isClaudeModel(model)) throw invalidParam('reasoning_effort', 'is supported on bedrock for Anthropic Claude models only');
  return { type: 'enabled', budget_tokens: THINKING_BUDGET_BY_EFFORT[effort] };
}

function inferenceConfig(body: BedrockChatBody, thinkingBudget: number | undefined): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? (thinkingBudget !== undefined ? DEFAULT_MAX_TOKENS + thinkingBudget : undefined);
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  if (body.temperature !== null && body.temperature !== undefined) config.temperature = body.temperature;
  if (body.top_p !== null && body.top_p !== undefined) config.topP = body.top_p;
  if (body.stop !== null && body.stop !== undefined) config.stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  return config;
}
