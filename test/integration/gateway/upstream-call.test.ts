import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientDisconnectedError } from '../../../lambdas/gateway/client-errors.js';
import { UpstreamCall, type CallLimits } from '../../../lambdas/gateway/transport/upstream-call.js';
import { allowLoopbackUpstreams } from '../../../lambdas/gateway/transport/upstream-http.js';
import { UpstreamError, type ProviderAdapter, type UpstreamHttpRequest, type UpstreamResponse } from '../../../lambdas/providers/types.js';

/** A call's limits with the given start limit; the rest far away. */
const limits = (startMs: number): CallLimits => ({ startMs, idleMs: 60_000, deadline: Date.now() + 600_000, answerBytes: 1 << 20 });

/** An adapter that only sends, over the gateway's transport unless it brings its own `send` (as Bedrock's does). */
const adapter = (send?: ProviderAdapter['send']) => ({ send, readFailure: async () => ({ kind: 'http', status: 500 }) }) as unknown as ProviderAdapter;

describe('UpstreamCall: the client and the first-byte timeout abort the upstream call', () => {
  let server: Server;
  let request: UpstreamHttpRequest;
  let closedByCaller: Promise<void>;

  beforeAll(async () => {
    allowLoopbackUpstreams(true);
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    request = { method: 'POST', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, headers: {}, body: '{}' };
  });
  // The server never answers; it notes when the caller closes the connection.
  beforeEach(() => {
    let noteClosed: () => void = () => undefined;
    closedByCaller = new Promise((resolve) => (noteClosed = resolve));
    server.removeAllListeners('request');
    server.on('request', (req) => req.socket.once('close', () => noteClosed()));
  });
  afterAll(async () => {
    allowLoopbackUpstreams(false);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a client that goes away closes the upstream connection and is told apart from a failure', async () => {
    const client = new AbortController();
    const attempt = new UpstreamCall(client.signal, limits(60_000));
    const sent = attempt.send(request, adapter());
    setTimeout(() => client.abort(), 50);
    await expect(sent).rejects.toBeInstanceOf(ClientDisconnectedError);
    await closedByCaller;
    attempt.close();
  });

  it('no first byte within the timeout is a timeout, and the upstream connection is closed', async () => {
    const attempt = new UpstreamCall(new AbortController().signal, limits(50));
    const sent = attempt.send(request, adapter());
    await expect(sent).rejects.toEqual(new UpstreamError({ kind: 'timeout' }));
    await closedByCaller;
    attempt.close();
  });

  it('a client already gone sends nothing', async () => {
    const client = new AbortController();
    client.abort();
    let reached = false;
    server.once('request', () => (reached = true));
    const attempt = new UpstreamCall(client.signal, limits(60_000));
    await expect(attempt.send(request, adapter())).rejects.toBeInstanceOf(ClientDisconnectedError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reached).toBe(false);
    attempt.close();
  });

  it("an adapter with its own send gets a real AbortSignal, aborted by the client's going and by the timeout", async () => {
    const seen: AbortSignal[] = [];
    const hanging = adapter(
      (_request, signal) =>
        new Promise<UpstreamResponse>((_resolve, reject) => {
          seen.push(signal);
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    );
    const client = new AbortController();
    const byClient = new UpstreamCall(client.signal, limits(60_000));
    const sent = byClient.send(request, hanging);
    client.abort();
    await expect(sent).rejects.toBeInstanceOf(ClientDisconnectedError);
    byClient.close();
    const byTimeout = new UpstreamCall(new AbortController().signal, limits(20));
    await expect(byTimeout.send(request, hanging)).rejects.toEqual(new UpstreamError({ kind: 'timeout' }));
    byTimeout.close();
    expect(seen).toHaveLength(2);
    for (const signal of seen) {
      expect(signal).toBeInstanceOf(AbortSignal);
      expect(signal.aborted).toBe(true);
    }
  });
});
