import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowLoopbackUpstreams, sendUpstream } from '../../../lambdas/gateway/transport/upstream-http.js';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

describe('sendUpstream (undici dispatch)', () => {
  let server: Server;
  let base: string;
  let route: Route;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((req, res) => route(req, res));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, signal = new AbortController().signal) =>
    sendUpstream({ method: 'POST', url: `${base}${path}`, headers: { 'content-type': 'application/json' }, body: '{"x":1}' }, signal);

  it('sends the request and reads status, headers in any case, and the whole body as text', async () => {
    let received = '';
    route = (req, res) => {
      req.setEncoding('utf8');
      req.on('data', (d: string) => (received += d));
      req.on('end', () => {
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
        res.end('{"error":{"message":"slow down, ✓"}}');
      });
    };
    const response = await post('/v1/chat/completions?api-version=1');
    expect(response.status).toBe(429);
    expect(response.header('Retry-After')).toBe('7');
    expect(await response.text()).toBe('{"error":{"message":"slow down, ✓"}}');
    expect(received).toBe('{"x":1}');
  });

  it('yields body bytes as they arrive, not at the end', async () => {
    let sendRest: () => void = () => undefined;
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('first');
      sendRest = () => res.end('second');
    };
    const response = await post('/stream');
    const reader = response.body[Symbol.asyncIterator]();
    expect(Buffer.from((await reader.next()).value!).toString()).toBe('first');
    sendRest();
    expect(Buffer.from((await reader.next()).value!).toString()).toBe('second');
    expect((await reader.next()).done).toBe(true);
  });

  it('reads a large body whole, through pauses for a reader that lags', async () => {
    const payload = Buffer.alloc(1024 * 1024, 'abcdefgh');
    route = (_req, res) => {
      res.writeHead(200);
      res.end(payload);
    };
    const response = await post('/large');
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) {
      chunks.push(Buffer.from(chunk));
      await new Promise((r) => setImmediate(r));
    }
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('closes the upstream response when the reader leaves early', async () => {
    const closed = new Promise<boolean>((resolve) => {
      route = (_req, res) => {
        res.writeHead(200);
        res.write('partial');
        res.on('close', () => resolve(res.writableFinished));
      };
    });
    const response = await post('/abandoned');
    for await (const _chunk of response.body) break;
    expect(await closed).toBe(false);
  });

  it('aborts on the signal, before the answer and while the body arrives', async () => {
    route = () => undefined; // never answers
    const before = new AbortController();
    const pending = post('/hang', before.signal);
    setTimeout(() => before.abort(), 20);
    await expect(pending).rejects.toThrow();

    route = (_req, res) => {
      res.writeHead(200);
      res.write('some');
    };
    const during = new AbortController();
    const response = await post('/partial', during.signal);
    const reader = response.body[Symbol.asyncIterator]();
    await reader.next();
    during.abort();
    await expect(reader.next()).rejects.toThrow();
  });

  it('fails a body cut off mid-way', async () => {
    route = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part of it');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    const response = await post('/cut');
    await expect(response.text()).rejects.toThrow();
  });

  it('reuses the connection after a discarded body', async () => {
    route = (_req, res) => {
      res.writeHead(404);
      res.end('not found '.repeat(100));
    };
    const first = await post('/missing');
    first.discard();
    await new Promise((r) => setTimeout(r, 20));
    const before = connections;
    route = (_req, res) => res.end('ok');
    expect(await (await post('/after')).text()).toBe('ok');
    expect(connections).toBe(before);
  });

  it('connects to a host name only where its addresses are allowed, checked at connect time (DNS rebinding)', async () => {
    route = (_req, res) => res.end('reached');
    const byName = () => sendUpstream({ method: 'GET', url: base.replace('127.0.0.1', 'localhost'), headers: {} }, new AbortController().signal);
    await expect(byName()).rejects.toMatchObject({ code: 'EADDRNOTALLOWED' });
    allowLoopbackUpstreams(true);
    try {
      expect(await (await byName()).text()).toBe('reached');
    } finally {
      allowLoopbackUpstreams(false);
    }
  });
});
