import type { ChatChunk } from '../../lambdas/providers/types.js';
import { expectValid } from './openai-schema.js';

/** Every chunk of a stream, each checked against OpenAI's chunk schema. */
export async function collectValidChunks(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of chunks) {
    expectValid('chunk', c);
    out.push(c);
  }
  return out;
}

/** One tool call's part of a chunk's delta, as OpenAI streams it. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

/** A streamed chunk, ours or the openai client's: what assembling reads of it. */
interface AssemblableChunk {
  readonly choices: ReadonlyArray<{ readonly delta: object; readonly finish_reason: string | null }>;
  readonly usage?: unknown;
}

/** What an OpenAI client assembles from the chunks: text, reasoning, tool calls by index, finish reason and usage. */
export function assembleChunks<C extends AssemblableChunk>(chunks: readonly C[]) {
  let content = '';
  let reasoning = '';
  let finishReason: string | null = null;
  const tools: Array<{ id: string; type: string; function: { name: string; arguments: string } }> = [];
  for (const c of chunks) {
    const choice = c.choices[0];
    if (!choice) continue;
    const delta = choice.delta as { content?: string; reasoning_content?: string; tool_calls?: ToolCallDelta[] };
    content += delta.content ?? '';
    reasoning += delta.reasoning_content ?? '';
    for (const t of delta.tool_calls ?? []) {
      const tool = (tools[t.index] ??= { id: '', type: '', function: { name: '', arguments: '' } });
      if (t.id) tool.id = t.id;
      if (t.type) tool.type = t.type;
      if (t.function?.name) tool.function.name = t.function.name;
      tool.function.arguments += t.function?.arguments ?? '';
    }
    finishReason = choice.finish_reason ?? finishReason;
  }
  return { content, reasoning, tools, finishReason, usage: chunks.at(-1)?.usage as C['usage'] };
}
