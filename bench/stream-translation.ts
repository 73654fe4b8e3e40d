import { anthropic } from '../lambdas/providers/anthropic/index.js';
import { google } from '../lambdas/providers/google/index.js';
import type { ProviderAdapter } from '../lambdas/providers/types.js';
import { percentile } from './load.js';

/**
 * The cost of translating a provider's stream into OpenAI chunks, per chunk and to the first chunk, measured on
 * the adapters' own readers over realistic event sequences (one SSE event per network read, as providers send).
 */
const CHUNKS = 200;
const ROUNDS = 200;

const sse = (event: string | undefined, data: unknown) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function anthropicEvents(): string[] {
  const text = (i: number) => sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` word${i}` } });
  return [
    sse('message_start', {
      type: 'message_start',
      message: {
        id: 'msg_bench',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 25, output_tokens: 1 },
      },
    }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...Array.from({ length: CHUNKS }, (_, i) => text(i)),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: CHUNKS } }),
    sse('message_stop', { type: 'message_stop' }),
  ];
}

function geminiEvents(): string[] {
  const part = (i: number, last: boolean) =>
    sse(undefined, {
      candidates: [{ content: { parts: [{ text: ` word${i}` }], role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) }],
      ...(last ? { usageMetadata: { promptTokenCount: 25, candidatesTokenCount: CHUNKS, totalTokenCount: 25 + CHUNKS } } : {}),
      modelVersion: 'gemini-2.5-flash',
    });
  return Array.from({ length: CHUNKS }, (_, i) => part(i, i === CHUNKS - 1));
}

async function* bytes(events: string[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const e of events) yield encoder.encode(e);
}

async function measure(adapter: ProviderAdapter, events: string[]): Promise<{ perChunkUs: number; firstChunkUs: number }> {
  const perChunk: number[] = [];
  const first: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    let firstAt = 0n;
    let count = 0;
    for await (const _chunk of adapter.readChatStream(bytes(events))) {
      if (count++ === 0) firstAt = process.hrtime.bigint();
    }
    const total = Number(process.hrtime.bigint() - started) / 1e3;
    if (round >= 20) {
      perChunk.push(total / events.length);
      first.push(Number(firstAt - started) / 1e3);
    }
  }
  return { perChunkUs: percentile(perChunk, 50), firstChunkUs: percentile(first, 50) };
}

export async function measureStreamTranslation(): Promise<{ name: string; perChunkUs: number; firstChunkUs: number }[]> {
  return [
    { name: 'Anthropic → OpenAI', ...(await measure(anthropic, anthropicEvents())) },
    { name: 'Gemini → OpenAI', ...(await measure(google, geminiEvents())) },
  ];
}
