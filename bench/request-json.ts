import { assertJsonDepth } from '../lambdas/http/request-json.js';
import { percentile } from './load.js';

/**
 * What the nesting-depth check adds to reading a request body, next to the JSON.parse every body costs anyway:
 * a 2 KB chat body, a 1 MB one whose bulk is long message text, and a 1 MB one of many small messages (the most
 * objects per byte a chat body plausibly has).
 */
const ROUNDS = 15;

function chatBody(bytes: number): string {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(bytes / 4 / 45));
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const messages = ['user', 'assistant', 'user', 'assistant'].map((role) => ({ role, content: text }));
  return JSON.stringify({ model: 'fake/bench-model', messages, tools, stream: true, stream_options: { include_usage: true } });
}

function manyMessagesBody(bytes: number): string {
  const message = { role: 'user', content: [{ type: 'text', text: 'hello there, how are you?' }] };
  const count = Math.ceil(bytes / JSON.stringify(message).length);
  return JSON.stringify({ model: 'fake/bench-model', messages: Array.from({ length: count }, () => message) });
}

/** Median time per body of `fn`, in µs, over ROUNDS rounds of `perRound` calls. */
function medianUs(fn: () => void, perRound: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - started) / 1_000 / perRound);
  }
  return percentile(rounds, 50);
}

export interface DepthCheckTiming {
  readonly name: string;
  readonly parseUs: number;
  readonly checkUs: number;
}

export function measureDepthCheck(): DepthCheckTiming[] {
  const bodies = [
    { name: '2 KB chat body', text: chatBody(2 * 1024), perRound: 20_000 },
    { name: '1 MB chat body (long messages)', text: chatBody(1024 * 1024), perRound: 40 },
    { name: '1 MB chat body (8,000 small messages)', text: manyMessagesBody(1024 * 1024), perRound: 40 },
  ];
  return bodies.map(({ name, text, perRound }) => {
    const parsed: unknown = JSON.parse(text);
    // Warm both up before timing.
    medianUs(() => assertJsonDepth(parsed), perRound);
    return { name, parseUs: medianUs(() => JSON.parse(text), perRound), checkUs: medianUs(() => assertJsonDepth(parsed), perRound) };
  });
}
