import type { ServerResponse } from 'node:http';
import { pickMode, sleep, startEventStream, startFakeServer, trackConnection, waitForRequest, type ConnectionState } from './fake-server.js';

/**
 * An OpenAI-format upstream that misbehaves as a broken or hostile server would, for the tests of the gateway's
 * bounds. The mode is the requested model's name (`<provider-key>/endless-line` reaches it as `endless-line`).
 * Whatever it sends without end, it sends with backpressure, so its own memory stays flat, and it stops once the
 * gateway closes the connection.
 */
export const HOSTILE_MODES = [
  'huge-body', // a 200 JSON answer whose body never ends
  'endless-line', // a 200 event stream whose first line never ends
  'endless-line-after-token', // a role chunk and a token, then a line that never ends
  'drip-after-token', // a role chunk and a token, then one byte every `dripMs`, never completing an event
  'trickle', // a token every `dripMs`, forever
  'no-token', // role-only chunks, forever
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileRequest extends ConnectionState {
  readonly mode: HostileMode;
  /** Bytes of the body written so far. */
  bytesSent: number;
}

export interface HostileUpstream {
  /** Base URL including `/v1`, as a provider key's baseUrl. */
  readonly baseUrl: string;
  readonly requests: HostileRequest[];
  /** Resolves once the gateway has closed the connection of a request in `mode`. */
  closedByGateway(mode: HostileMode): Promise<HostileRequest>;
  close(): Promise<void>;
}

const PIECE = Buffer.alloc(64 * 1024, 0x61);

export async function startHostileUpstream(options: { dripMs?: number } = {}): Promise<HostileUpstream> {
  const dripMs = options.dripMs ?? 20;
  const requests: HostileRequest[] = [];
  const server = await startFakeServer(({ body }, res) => {
    const mode = pickMode(HOSTILE_MODES, undefined, body?.model);
    const record: HostileRequest = { mode, bytesSent: 0, clientAborted: false, closed: false };
    requests.push(record);
    trackConnection(res, record);
    void misbehave(res, mode, record, String(body?.model), dripMs);
  });
  return {
    baseUrl: `${server.origin}/v1`,
    requests,
    closedByGateway: (mode) => waitForRequest(requests, (r) => r.mode === mode && r.clientAborted, 30_000),
    close: server.close,
  };
}

async function misbehave(res: ServerResponse, mode: HostileMode, record: HostileRequest, model: string, dripMs: number): Promise<void> {
  /** Writes, waiting while the gateway is not reading; false once the gateway has closed the connection. */
  const write = async (data: string | Buffer): Promise<boolean> => {
    if (res.destroyed) return false;
    record.bytesSent += data.length;
    if (!res.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    return !res.destroyed;
  };
  const forever = async (data: string | Buffer, pauseMs = 0): Promise<void> => {
    for (;;) {
      if (pauseMs > 0) await sleep(pauseMs);
      if (!(await write(data))) return;
    }
  };
  const chunk = (delta: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-hostile', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
  const unfinishedLine = 'data: {"choices":[{"index":0,"delta":{"content":"';

  if (mode === 'huge-body') {
    res.writeHead(200, { 'content-type': 'application/json' });
    await write('{"id":"chatcmpl-hostile","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
    return forever(PIECE);
  }
  startEventStream(res);
  switch (mode) {
    case 'endless-line':
      await write(unfinishedLine);
      return forever(PIECE);
    case 'no-token':
      return forever(chunk({ role: 'assistant', content: '' }), 1);
    default:
      await write(chunk({ role: 'assistant', content: '' }));
      await write(chunk({ content: 'Hello' }));
  }
  switch (mode) {
    case 'endless-line-after-token':
      await write(unfinishedLine);
      return forever(PIECE);
    case 'drip-after-token':
      await write(unfinishedLine);
      return forever('a', dripMs);
    case 'trickle':
      return forever(chunk({ content: ' more' }), dripMs);
  }
}
