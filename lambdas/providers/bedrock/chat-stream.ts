import { UpstreamError, type ChatChunk, type Usage } from '../types.js';
import { readLines } from './ndjson.js';
import { completionId, openaiFinishReason, openaiUsage } from './translate.js';
import { streamLineSchema, type StreamLine } from './wire.js';

/**
 * ConverseStream events (NDJSON from send.ts) → OpenAI chunks: a role chunk, text / reasoning / tool-argument
 * deltas (each tool use keeps an OpenAI index of its own, so parallel calls stay apart), a finish chunk from
 * messageStop, then one usage chunk (`choices: []`) from the metadata event. No messageStop means the stream was cut.
 */
export async function* readChatStream(body: AsyncIterable<Uint8Array>): AsyncGenerator<ChatChunk> {
  // Set by the first event, before any chunk is made.
  let head = { id: '', created: 0, model: '' };
  const toolIndexByBlock = new Map<number, number>();
  let started = false;
  let finished = false;
  let usage: Usage | undefined;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): ChatChunk => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });

  for await (const text of readLines(body)) {
    const event = parseLine(text);
    if (event.modelId !== undefined) {
      head = { id: completionId(), created: Math.floor(Date.now() / 1000), model: event.modelId };
      continue;
    }
    if (head.id === '') throw new UpstreamError({ kind: 'stream', message: 'The Bedrock stream began without its model.' });
    if ((event.messageStart || event.contentBlockStart || event.contentBlockDelta) && !started) {
      started = true;
      yield chunk({ role: 'assistant', content: '' });
    }
    const toolStart = event.contentBlockStart?.start?.toolUse;
    if (event.contentBlockStart && toolStart) {
      const index = toolIndexByBlock.size;
      toolIndexByBlock.set(event.contentBlockStart.contentBlockIndex, index);
      yield chunk({ tool_calls: [{ index, id: toolStart.toolUseId, type: 'function', function: { name: toolStart.name, arguments: '' } }] });
    }
    const delta = event.contentBlockDelta?.delta;
    if (event.contentBlockDelta && delta) {
      if (delta.text !== undefined && delta.text.length > 0) yield chunk({ content: delta.text });
      if (delta.reasoningContent?.text) yield chunk({ reasoning_content: delta.reasoningContent.text });
      if (delta.toolUse?.input !== undefined && delta.toolUse.input.length > 0) {
        const index = toolIndexByBlock.get(event.contentBlockDelta.contentBlockIndex);
        if (index === undefined) throw new UpstreamError({ kind: 'stream', message: 'The Bedrock stream sent tool input for a tool use it never started.' });
        yield chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] });
      }
    }
    if (event.messageStop && !finished) {
      finished = true;
      if (!started) {
        started = true;
        yield chunk({ role: 'assistant', content: '' });
      }
      yield chunk({}, openaiFinishReason(event.messageStop.stopReason));
    }
    if (event.metadata?.usage) usage = openaiUsage(event.metadata.usage);
  }
  if (head.id === '' || !finished) throw new UpstreamError({ kind: 'stream', message: 'The upstream stream ended before the completion finished.' });
  if (usage) yield { ...head, object: 'chat.completion.chunk', choices: [], usage };
}

function parseLine(text: string): StreamLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UpstreamError({ kind: 'stream', message: 'The Bedrock stream sent invalid JSON.' });
  }
  // An exception member of the event union (e.g. `{ throttlingException: { message } }`) ends the stream.
  const exception = typeof json === 'object' && json !== null ? Object.keys(json).find((k) => k.endsWith('Exception')) : undefined;
  if (exception) throw new UpstreamError({ kind: 'stream', message: `Bedrock stream failed (${exception}).` });
  const parsed = streamLineSchema.safeParse(json);
  if (!parsed.success) throw new UpstreamError({ kind: 'stream', message: 'The Bedrock stream sent an unexpected event.' });
  return parsed.data;
}
