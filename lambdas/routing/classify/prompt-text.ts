/**
 * The text routing reads from an OpenAI-shaped body: the last user turn and the system/developer messages.
 * Read in memory and dropped once the request is classified and scored; nothing of it is kept (P1).
 */
export interface PromptText {
  /** The last user turn's text (string content or its text parts; images are ignored). */
  readonly lastUser: string;
  /** Every system and developer message's text, joined by newlines. */
  readonly system: string;
  /** How many messages the conversation has so far. */
  readonly messageCount: number;
}

export function promptText(body: Readonly<Record<string, unknown>>): PromptText {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let lastUser = '';
  const system: string[] = [];
  for (const message of messages) {
    if (!isObject(message)) continue;
    if (message.role === 'user') lastUser = textOf(message.content);
    else if (message.role === 'system' || message.role === 'developer') system.push(textOf(message.content));
  }
  return { lastUser, system: system.join('\n'), messageCount: messages.length };
}

/**
 * At most `maxChars` of `text`: its head and its tail when it is longer, since a request's instruction is
 * nearly always at the start or the end of a turn and the middle of a long one is pasted material.
 */
export function headAndTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return `${text.slice(0, half)}\n${text.slice(text.length - half)}`;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) if (isObject(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  return texts.join('\n');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
