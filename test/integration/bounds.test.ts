import { jest } from '@jest/globals';
import type { GatewayDeps, GatewayTimeouts } from '../../lambdas/gateway/deps.js';
import { MAX_CHUNKS_BEFORE_TOKEN } from '../../lambdas/gateway/engine/answer.js';
import { MAX_SSE_EVENT_CHARS } from '../../lambdas/providers/sse-reader.js';
import { routingConfigSchema } from '../../lambdas/routing/config-schema.js';
import { startHostileUpstream, type HostileUpstream } from '../fakes/hostile-upstream.js';
import { portDoubles, RK_KEY, startHandlerServer, waitFor, type PortDoubles } from '../fakes/router-harness.js';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
/** The non-streamed answer cap, lowered from its 32 MB default so the test need not send that much. */
const ANSWER_CAP = 1 * MIB;
/** What socket buffers between the fake and the gateway may hold past a cap before the gateway's close reaches the fake. */
const IN_FLIGHT_SLACK = 32 * MIB;
/** Memory growth allowed while serving one hostile answer: generous, and far below what the answers would take unbounded. */
const GROWTH_LIMIT = 100 * MIB;

const messages = [{ role: 'user', content: 'Say hello' }];

interface Gateway {
  readonly ports: PortDoubles;
  readonly url: string;
  close(): Promise<void>;
}

let hostile: HostileUpstream;
/** Every time limit far away (start limits too), so only the bound under test can end a call. */
let patient: Gateway;
/** The same, with an idle timeout of 300 ms for routes without a config. */
let quickIdle: Gateway;
/** The same, with a request cap of 2 s. */
let shortRequests: Gateway;

async function startGateway(timeouts: Partial<GatewayTimeouts>): Promise<Gateway> {
  const ports = portDoubles();
  ports.providerKeys.set('evil', { providerKeyId: 'pk_evil', name: 'evil', provider: 'openai', baseUrl: hostile.baseUrl, apiKey: 'sk-evil' });
  const deps: GatewayDeps = {
    ...ports.deps,
    timeouts: { ...ports.deps.timeouts, streamFirstTokenMs: 30_000, responseMs: 30_000, streamIdleMs: 30_000, requestMs: 30_000, ...timeouts },
    bounds: { answerBytes: ANSWER_CAP },
  };
  const server = await startHandlerServer(deps);
  return { ports, url: server.url, close: server.close };
}

beforeAll(async () => {
  hostile = await startHostileUpstream({ dripMs: 20 });
  patient = await startGateway({});
  quickIdle = await startGateway({ streamIdleMs: 300 });
  shortRequests = await startGateway({ requestMs: 2_000 });
  patient.ports.configs.set(
    'quick-idle',
    routingConfigSchema.parse({ name: 'quick-idle', strategy: 'fallback', targets: [{ model: 'evil/drip-after-token' }], reliability: { idleTimeoutMs: 200 } }),
  );
  // One request first, so modules loaded on first use do not count as growth below.
  await post(patient, { model: 'evil/no-token', messages, stream: true });
});
afterAll(async () => {
  await patient?.close();
  await quickIdle?.close();
  await shortRequests?.close();
  await hostile?.close();
});

async function post(gateway: Gateway, body: Record<string, unknown>): Promise<{ status: number; text: string; requestId: string | null }> {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${RK_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), requestId: res.headers.get('x-roukey-request-id') };
}

/** The data of each SSE event in a response body. */
function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]')
    .map((event) => JSON.parse(event.slice('data: '.length)));
}

/** Runs `work` while sampling the process's memory; the peak growth of its RSS and of its heap plus buffers. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; rssGrowth: number; heapGrowth: number }> {
  const before = process.memoryUsage();
  const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
  let peakRss = before.rss;
  let peakHeap = heapOf(before);
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, heapOf(now));
  };
  const timer = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, rssGrowth: peakRss - before.rss, heapGrowth: peakHeap - heapOf(before) };
  } finally {
    clearInterval(timer);
  }
}

const recordOf = (gateway: Gateway, requestId: string | null) => waitFor(() => gateway.ports.records.find((r) => r.requestId === requestId));

describe('upstream answers are bounded in size', () => {
  it('a non-streamed answer past the cap fails as an upstream error (502), its connection closed, memory flat', async () => {
    const { result, rssGrowth, heapGrowth } = await measured(() => post(patient, { model: 'evil/huge-body', messages }));
    expect(result.status).toBe(502);
    expect(JSON.parse(result.text).error).toEqual({
      message: `The upstream answer is larger than the gateway's limit of ${ANSWER_CAP} bytes.`,
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
    const upstream = await hostile.closedByGateway('huge-body');
    expect(upstream.bytesSent).toBeLessThan(ANSWER_CAP + IN_FLIGHT_SLACK);
    expect(rssGrowth).toBeLessThan(GROWTH_LIMIT);
    expect(heapGrowth).toBeLessThan(GROWTH_LIMIT);
    expect(await recordOf(patient, result.requestId)).toMatchObject({ status: 502, errorType: 'upstream_error', attempts: [{ outcome: 'stream_error' }] });
  });

  it('an SSE line that never ends, before the first token, fails the attempt once it passes the event cap (502), memory flat', async () => {
    const { result, rssGrowth, heapGrowth } = await measured(() => post(patient, { model: 'evil/endless-line', messages, stream: true }));
    expect(result.status).toBe(502);
    expect(JSON.parse(result.text).error).toMatchObject({
      message: `The upstream sent a stream event longer than ${MAX_SSE_EVENT_CHARS} characters.`,
      code: 'upstream_error',
    });
    const upstream = await hostile.closedByGateway('endless-line');
    expect(upstream.bytesSent).toBeGreaterThan(MAX_SSE_EVENT_CHARS);
    expect(upstream.bytesSent).toBeLessThan(MAX_SSE_EVENT_CHARS + IN_FLIGHT_SLACK);
    expect(rssGrowth).toBeLessThan(GROWTH_LIMIT);
    expect(heapGrowth).toBeLessThan(GROWTH_LIMIT);
  });

  it('an SSE line that never ends, after the first token, ends the stream with an error event, memory flat', async () => {
    const { result, rssGrowth } = await measured(() => post(patient, { model: 'evil/endless-line-after-token', messages, stream: true }));
    expect(result.status).toBe(200);
    const events = sseData(result.text);
    expect(events.at(-2)).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    expect(events.at(-1)).toEqual({ error: expect.objectContaining({ type: 'upstream_error', code: 'upstream_error' }) });
    await hostile.closedByGateway('endless-line-after-token');
    expect(rssGrowth).toBeLessThan(GROWTH_LIMIT);
    expect(await recordOf(patient, result.requestId)).toMatchObject({ status: 200, errorType: 'upstream_error', attempts: [{ outcome: 'stream_error' }] });
  });

  it(`a stream that never sends a token fails once ${MAX_CHUNKS_BEFORE_TOKEN} chunks are held back (502)`, async () => {
    const result = await post(patient, { model: 'evil/no-token', messages, stream: true });
    expect(result.status).toBe(502);
    expect(JSON.parse(result.text).error.message).toBe(`The upstream sent more than ${MAX_CHUNKS_BEFORE_TOKEN} chunks before its first token.`);
    await hostile.closedByGateway('no-token');
  });
});

describe('streams are bounded in time', () => {
  it('a stream that drips a byte at a time after its first token is cut at the idle timeout, with an error event and a record that says so', async () => {
    const result = await post(quickIdle, { model: 'evil/drip-after-token', messages, stream: true });
    expect(result.status).toBe(200);
    const events = sseData(result.text);
    expect(events.at(-2)).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    expect(events.at(-1)).toEqual({
      error: { message: 'The provider stream sent nothing within its idle timeout.', type: 'upstream_error', param: null, code: 'stream_idle_timeout' },
    });
    const upstream = await hostile.closedByGateway('drip-after-token');
    // Bytes kept arriving; none made a chunk, so none kept the stream alive.
    expect(upstream.bytesSent).toBeGreaterThan(0);
    const record = await recordOf(quickIdle, result.requestId);
    expect(record).toMatchObject({ status: 200, stream: true, errorType: 'upstream_timeout', attempts: [{ outcome: 'timeout' }] });
    expect(record.ttftMs).toEqual(expect.any(Number));
  });

  it("a config's reliability.idleTimeoutMs cuts the stream where the gateway's own idle timeout would not", async () => {
    const result = await post(patient, { model: 'roukey/quick-idle', messages, stream: true });
    expect(sseData(result.text).at(-1)).toMatchObject({ error: { code: 'stream_idle_timeout' } });
    expect(await recordOf(patient, result.requestId)).toMatchObject({
      configName: 'quick-idle',
      errorType: 'upstream_timeout',
      attempts: [{ outcome: 'timeout' }],
    });
  });

  it("a stream that keeps sending tokens is cut at the request's duration cap, with an error event and a record that says so", async () => {
    const result = await post(shortRequests, { model: 'evil/trickle', messages, stream: true });
    expect(result.status).toBe(200);
    const events = sseData(result.text);
    expect(events.filter((e) => (e as { choices?: Array<{ delta: { content?: string } }> }).choices?.[0]?.delta.content === ' more').length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({
      error: { message: "The request reached the gateway's limit on its duration.", type: 'upstream_error', param: null, code: 'request_too_long' },
    });
    await hostile.closedByGateway('trickle');
    expect(await recordOf(shortRequests, result.requestId)).toMatchObject({ status: 200, errorType: 'upstream_timeout', attempts: [{ outcome: 'timeout' }] });
  });
});
