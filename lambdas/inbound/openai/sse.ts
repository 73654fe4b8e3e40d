import type { OpenAIErrorBody } from '../../http/errors.js';
import type { ChatChunk } from '../../providers/types.js';

/** Server-sent-events framing, done once at the edge: adapters and the pipe deal in chunk objects only. */
export function encodeSseChunk(chunk: ChatChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** An error after the first byte: OpenAI clients raise it instead of treating the stream as complete. */
export function encodeSseError(body: OpenAIErrorBody): string {
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** SSE framing with an `event:` line naming the event's type, as the Responses API and Anthropic's Messages API send it. */
export function encodeTypedEvent(event: { readonly type: string } & Record<string, unknown>): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
