import { ApiError } from '../../../http/errors.js';
import type { InputItem, ResponsesRequest } from './request-schema.js';

/**
 * A Responses API request (its input already resolved: earlier responses and item references opened) as the
 * engine's chat body, for targets that do not serve the Responses API. What the chat shape cannot express is not
 * dropped: the first such thing is kept as `problem`, a 400 naming it, and those targets refuse the request.
 */
export interface ChatTranslation {
  readonly body: Record<string, unknown>;
  readonly problem?: ApiError;
}

type Part = Record<string, unknown>;
type Message = Record<string, unknown>;

/** Tools only OpenAI runs (on its servers, or through its computer-use loop): no other provider can serve them. */
const BUILT_IN_TOOL =
  'is a built-in tool that only OpenAI runs; RouKey cannot serve it with this target. Use function tools, or a target that serves the Responses API.';

export function toChatBody(request: ResponsesRequest, input: readonly InputItem[]): ChatTranslation {
  const t = new Translation();
  const body: Record<string, unknown> = { messages: t.messages(request, input) };
  if (request.stream) {
    body.stream = true;
    // response.completed always carries usage.
    body.stream_options = { include_usage: true };
  }
  if (request.max_output_tokens != null) body.max_tokens = request.max_output_tokens;
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.parallel_tool_calls != null) body.parallel_tool_calls = request.parallel_tool_calls;
  const endUser = request.safety_identifier ?? request.user;
  if (endUser) body.user = endUser;
  if (request.reasoning?.effort) body.reasoning_effort = request.reasoning.effort;
  const format = request.text?.format;
  if (format && format.type !== 'text') body.response_format = t.responseFormat(format);
  if (request.tools?.length) body.tools = request.tools.map((tool, i) => t.tool(tool, i));
  if (request.tool_choice != null) body.tool_choice = t.toolChoice(request.tool_choice);
  for (const field of ['background', 'conversation', 'prompt'] as const) {
    const value = (request as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && value !== false) t.refuse(field, `${field} is not supported by RouKey with this target.`);
  }
  return { body, ...(t.problem ? { problem: t.problem } : {}) };
}

class Translation {
  problem: ApiError | undefined;

  refuse(param: string, message: string): void {
    this.problem ??= new ApiError('invalid_request', message, { param });
  }

  messages(request: ResponsesRequest, input: readonly InputItem[]): Message[] {
    const out: Message[] = [];
    const { instructions } = request;
    if (typeof instructions === 'string' && instructions) out.push({ role: 'system', content: instructions });
    else if (Array.isArray(instructions)) this.items(instructions, 'instructions', out);
    this.items(input, 'input', out);
    return out;
  }

  /** Items in order; an assistant's text and calls that follow each other become one assistant message. */
  private items(items: readonly InputItem[], param: string, out: Message[]): void {
    let assistant: { texts: string[]; calls: Record<string, unknown>[] } | undefined;
    const flush = () => {
      if (!assistant) return;
      const { texts, calls } = assistant;
      out.push({ role: 'assistant', content: texts.length > 0 ? texts.join('') : null, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
      assistant = undefined;
    };
    items.forEach((item, i) => {
      const at = `${param}[${i}]`;
      const type = item.type ?? 'message';
      if (type === 'reasoning') return; // earlier reasoning has no place in the chat shape (as on /v1/messages)
      if (type === 'function_call') {
        assistant ??= { texts: [], calls: [] };
        assistant.calls.push({ id: str(item.call_id), type: 'function', function: { name: str(item.name), arguments: str(item.arguments) } });
        return;
      }
      if (type === 'message' && item.role === 'assistant') {
        assistant ??= { texts: [], calls: [] };
        assistant.texts.push(this.assistantText(item.content, at));
        return;
      }
      flush();
      if (type === 'function_call_output') out.push({ role: 'tool', tool_call_id: str(item.call_id), content: this.toolOutput(item.output, at) });
      else if (type === 'message') out.push(this.message(item, at));
      else this.refuse(`${at}.type`, `${at} is a ${type} item, which RouKey cannot express for this target.`);
    });
    flush();
  }

  private message(item: InputItem, at: string): Message {
    const role = item.role === 'developer' || item.role === 'system' ? item.role : 'user';
    if (item.role !== undefined && item.role !== role) this.refuse(`${at}.role`, `${at}.role must be user, assistant, system or developer.`);
    const { content } = item;
    if (typeof content === 'string') return { role, content };
    if (!Array.isArray(content)) {
      this.refuse(`${at}.content`, `${at}.content must be a string or an array of content parts.`);
      return { role, content: '' };
    }
    const parts = content.map((part: Part, j: number) => this.inputPart(part, `${at}.content[${j}]`));
    // System turns take text only in the chat shape.
    return { role, content: role === 'user' ? parts : parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('') };
  }

  private inputPart(part: Part, at: string): Part {
    if (part?.type === 'input_text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (part?.type === 'input_image' && typeof part.image_url === 'string') {
      return { type: 'image_url', image_url: { url: part.image_url, ...(typeof part.detail === 'string' ? { detail: part.detail } : {}) } };
    }
    this.refuse(
      `${at}.type`,
      part?.type === 'input_image'
        ? `${at} refers to an uploaded file (file_id), which only OpenAI holds: send the image as image_url (a URL or a data URL).`
        : `${at} is a ${String(part?.type)} part, which RouKey cannot express for this target: use input_text or input_image.`,
    );
    return { type: 'text', text: '' };
  }

  private assistantText(content: unknown, at: string): string {
    if (typeof content === 'string') return content;
    if (!Array.isArray(content)) return '';
    return content
      .map((part: Part) => {
        if (part?.type === 'output_text' || part?.type === 'input_text') return str(part.text);
        if (part?.type === 'refusal') return str(part.refusal);
        this.refuse(`${at}.content`, `${at} has a ${String(part?.type)} part, which RouKey cannot express for this target.`);
        return '';
      })
      .join('');
  }

  private toolOutput(output: unknown, at: string): string {
    if (typeof output === 'string') return output;
    if (Array.isArray(output) && output.every((p: Part) => p?.type === 'input_text')) return output.map((p: Part) => str(p.text)).join('');
    this.refuse(`${at}.output`, `${at}.output must be a string or input_text parts for this target.`);
    return '';
  }

  tool(tool: Record<string, unknown>, i: number): Record<string, unknown> {
    if (tool.type !== 'function') {
      this.refuse(`tools[${i}].type`, `tools[${i}]: ${String(tool.type)} ${BUILT_IN_TOOL}`);
      return tool;
    }
    const fn: Record<string, unknown> = { name: str(tool.name) };
    if (typeof tool.description === 'string') fn.description = tool.description;
    if (tool.parameters && typeof tool.parameters === 'object') fn.parameters = tool.parameters;
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { type: 'function', function: fn };
  }

  toolChoice(choice: string | Record<string, unknown>): unknown {
    if (typeof choice === 'string') return choice;
    if (choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
    this.refuse('tool_choice', `tool_choice of type ${String(choice.type)} is not supported by RouKey with this target.`);
    return 'auto';
  }

  responseFormat(format: Record<string, unknown>): Record<string, unknown> {
    if (format.type === 'json_object') return { type: 'json_object' };
    if (format.type === 'json_schema') {
      const { type: _type, ...schema } = format;
      return { type: 'json_schema', json_schema: schema };
    }
    this.refuse('text.format.type', `text.format of type ${String(format.type)} is not supported by RouKey.`);
    return { type: 'text' };
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
