import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { LocalResponseStream, installLambdaStreamingGlobals } from '../../lib/local/lambda-streaming.js';

/** A loopback server whose single request is answered by `respond` through a LocalResponseStream. */
async function serve(respond: (stream: LocalResponseStream, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => respond(new LocalResponseStream(res), res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('LocalResponseStream', () => {
  beforeAll(() => installLambdaStreamingGlobals());

  it('sends the prelude as status line and headers (via awslambda.HttpResponseStream.from)', async () => {
    const { server, url } = await serve((stream) => {
      const g = globalThis as unknown as { awslambda: { HttpResponseStream: { from(s: Writable, p: object): Writable } } };
      const out = g.awslambda.HttpResponseStream.from(stream, { statusCode: 429, headers: { 'content-type': 'text/event-stream', 'retry-after': '7' } });
      out.end('data: x\n\n');
    });
    const res = await fetch(url);
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.text()).toBe('data: x\n\n');
    await close(server);
  });

  it('flushes each chunk as it is written, before the next one exists', async () => {
    let writeSecond: (() => void) | undefined;
    const { server, url } = await serve((stream) => {
      stream.setPrelude({ statusCode: 200, headers: { 'content-type': 'text/plain' } });
      stream.write('first;');
      writeSecond = () => stream.end('second');
    });
    const res = await fetch(url);
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The second chunk is only written after the first arrived, so nothing waited for the end of the response.
    expect(new TextDecoder().decode(first.value)).toBe('first;');
    writeSecond!();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('second');
    await close(server);
  });

  it('sends what is written in one turn of the event loop, end included, in one socket write', async () => {
    let socketWrites = 0;
    const { server, url } = await serve((stream, res) => {
      const socket = res.socket as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
      for (const name of ['_write', '_writev'] as const) {
        const original = socket[name].bind(socket);
        socket[name] = (...args: unknown[]) => (socketWrites++, original(...args));
      }
      stream.setPrelude({ statusCode: 200, headers: { 'content-type': 'text/event-stream' } });
      // As a stream whose chunks arrived together from the upstream: each write would otherwise be a syscall.
      for (let i = 0; i < 5; i++) stream.write(`data: ${i}\n\n`);
      stream.end();
    });
    const res = await fetch(url);
    expect(await res.text()).toBe([0, 1, 2, 3, 4].map((i) => `data: ${i}\n\n`).join(''));
    expect(socketWrites).toBe(1);
    await close(server);
  });

  it('is destroyed when the client disconnects mid-stream', async () => {
    let streamed: LocalResponseStream | undefined;
    const { server, url } = await serve((stream) => {
      streamed = stream;
      stream.on('error', () => undefined);
      stream.write('partial');
    });
    const req = request(url);
    req.end();
    const [res] = (await once(req, 'response')) as [import('node:http').IncomingMessage];
    await once(res, 'data');
    req.destroy();
    // events.once would reject on the 'error' that precedes 'close'.
    await new Promise((resolve) => streamed!.once('close', resolve));
    expect(streamed!.destroyed).toBe(true);
    expect(streamed!.errored?.message).toBe('client disconnected');
    await close(server);
  });

  it('answers 200 with the body when the handler writes without a prelude', async () => {
    const { server, url } = await serve((stream) => stream.end('plain'));
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('plain');
    await close(server);
  });
});
