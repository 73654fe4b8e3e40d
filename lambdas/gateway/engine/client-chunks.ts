import type { ChatChunk } from '../../providers/types.js';
import type { StreamMeter } from './stream-meter.js';

/**
 * The chunks the client gets: every upstream chunk is metered, then the usage the gateway asked for on the
 * client's behalf is removed unless the client asked for it too (`stream_options.include_usage`).
 */
export async function* clientChunks(source: AsyncIterable<ChatChunk>, meter: StreamMeter, includeUsage: boolean): AsyncGenerator<ChatChunk> {
  for await (const chunk of source) {
    meter.observe(chunk);
    const forwarded = forwardableChunk(chunk, includeUsage);
    if (forwarded) yield forwarded;
  }
}

/** The chunk as the client should see it, or undefined for the usage-only chunk the client did not ask for. */
export function forwardableChunk(chunk: ChatChunk, includeUsage: boolean): ChatChunk | undefined {
  if (includeUsage || !('usage' in chunk)) return chunk;
  if (chunk.usage && chunk.choices.length === 0) return undefined;
  // With include_usage on, OpenAI adds `usage: null` to every chunk; a client that did not ask never sees it.
  const { usage: _usage, ...rest } = chunk;
  return rest as ChatChunk;
}
