import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { AccessTokenVerifier, AuthorizerClaims } from '../../lambdas/auth/access-token-verifier.js';
import type { GatewayParts } from '../../lambdas/gateway/container.js';
import { MAX_REQUEST_BYTES, ROUTES, type HandlerName, type Route } from '../../lambdas/handlers/routes.js';
import { ApiError, toApiError } from '../../lambdas/http/errors.js';
import { toApiGatewayEvent } from './api-gateway-event.js';
import { HANDLER_MODULES, type HandlerModules } from './handler-modules.js';
import { localLambdaContext } from './lambda-context.js';
import { isStreamingHandler, LocalResponseStream } from './lambda-streaming.js';
import { compileRoutes } from './route-table.js';
import type { StaticSite } from './web-site.js';

export interface LocalServerOptions {
  /** 0 (the default) lets the OS pick. The server binds 127.0.0.1 only. */
  readonly port?: number;
  /** Plays API Gateway's Cognito authorizer on `auth: 'cognito'` routes. */
  readonly verifier: AccessTokenVerifier;
  readonly routes?: readonly Route[];
  /** Where each handler module comes from; tests may substitute their own. */
  readonly handlerModules?: HandlerModules;
  /** Handed to each router handler module as it loads (its `composeGateway`): what this host runs its own way. */
  readonly gatewayParts?: GatewayParts;
  readonly quiet?: boolean;
  /** The dashboard (lib/local/web-site.ts), answering GETs of paths outside the API. */
  readonly site?: StaticSite;
}

export interface LocalServer {
  readonly url: string;
  readonly server: Server;
  /** Imports every handler module now, so the first request does not pay for it. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
/** How long an idle keep-alive connection stays open: longer than HTTP clients keep theirs (undici and Node: ~4-5 s). */
const IDLE_CONNECTION_MS = 65_000;

/** API Gateway's own integration timeout for streamed methods; only informs `getRemainingTimeInMillis`. */
const HANDLER_TIMEOUT_MS = 15 * 60_000;
/**
 * How much of a refused request's remaining bytes are still read (and dropped), and for how long, before the
 * connection closes. A client usually sends its whole request before it reads the answer; closing on unread bytes
 * resets the connection, and the client loses the answer. A body a few times the size limit is read to its end.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/** The local HTTP front: API Gateway's routing, size limit and Cognito authorizer, then the same Lambda handlers. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const match = compileRoutes(options.routes ?? ROUTES);
  const modules: HandlerModules = options.handlerModules ?? HANDLER_MODULES;
  const loaded = new Map<HandlerName, Promise<unknown>>();
  const load = (name: HandlerName): Promise<unknown> => {
    let p = loaded.get(name);
    if (!p) {
      p = modules[name]().then((m) => {
        if (options.gatewayParts) m.composeGateway?.(options.gatewayParts);
        return m.handler;
      });
      // A failed import is retried on the next request rather than cached.
      p.catch(() => loaded.delete(name));
      loaded.set(name, p);
    }
    return p;
  };

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logFailure(options.quiet, 'request failed', err);
      if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    });
  });
  server.on('clientError', answerProtocolError);
  // An idle connection is closed by the client first, as API Gateway lets clients do: a server that closes first
  // races a client sending its next request on the same connection, which then fails with ECONNRESET.
  server.keepAliveTimeout = IDLE_CONNECTION_MS;
  server.headersTimeout = IDLE_CONNECTION_MS + 1_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const m = match(method, path);
    if (m.kind === 'not_found' && options.site && !isApiPath(path) && (await options.site(req, res, path))) return;
    if (m.kind === 'not_found') return rejectRequest(req, res, new ApiError('not_found', `Invalid URL (${method} ${path})`));
    if (m.kind === 'method_not_allowed') {
      return rejectRequest(
        req,
        res,
        new ApiError('method_not_allowed', `Method ${method} is not allowed on ${path}`, { headers: { allow: m.allowed.join(', ') } }),
      );
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) return rejectRequest(req, res, tooLarge());

    let claims: AuthorizerClaims | undefined;
    if (m.route.auth === 'cognito') {
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      claims = token ? await options.verifier.verify(token) : undefined;
      if (!claims) return rejectRequest(req, res, new ApiError('unauthenticated', token ? 'Invalid or expired access token.' : 'Missing bearer access token.'));
    }

    const body = hasBody(req) ? await readBody(req) : null;
    if (body === undefined) return rejectRequest(req, res, tooLarge());

    const event = toApiGatewayEvent({
      method,
      path,
      query: q === -1 ? '' : url.slice(q + 1),
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: sourceIpOf(req),
      resource: m.route.path,
      pathParameters: m.pathParameters,
      claims,
    });
    const context = localLambdaContext(`roukey-local-${m.route.handler}`, event.requestContext.requestId, HANDLER_TIMEOUT_MS);
    const handler = await load(m.route.handler);

    if (isStreamingHandler(handler)) {
      const stream = new LocalResponseStream(res);
      // A client disconnect errors the stream; a handler without its own listener must not take the process down.
      stream.on('error', () => undefined);
      try {
        await handler(event, stream, context);
      } catch (err) {
        logFailure(options.quiet, `handler ${m.route.handler} failed`, err);
        if (!res.headersSent) sendError(res, toApiError(err));
        else res.destroy();
        return;
      }
      if (!stream.writableEnded && !stream.destroyed) stream.end();
      return;
    }

    let result: unknown;
    try {
      result = await (handler as ProxyHandler)(event, context);
    } catch (err) {
      logFailure(options.quiet, `handler ${m.route.handler} failed`, err);
      return sendError(res, toApiError(err));
    }
    if (!isProxyResult(result)) {
      logFailure(options.quiet, `handler ${m.route.handler} returned a malformed proxy response`, undefined);
      // What API Gateway answers for a malformed Lambda proxy response.
      return sendError(res, new ApiError('upstream_error', 'Internal server error', { code: 'malformed_proxy_response' }));
    }
    writeProxyResult(res, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    async warmUp() {
      await Promise.all((Object.keys(modules) as HandlerName[]).map(load));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Paths the API owns, whether or not a route matches: never answered by the dashboard. */
function isApiPath(path: string): boolean {
  return path.startsWith('/v1/') || path === '/v1' || path.startsWith('/oidc/');
}

function tooLarge(): ApiError {
  return new ApiError('payload_too_large', `Request body exceeds the ${MAX_REQUEST_BYTES} byte limit.`);
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** The body as UTF-8, or undefined as soon as it grows past API Gateway's limit (the rest is not read). */
function readBody(req: IncomingMessage): Promise<string | null | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(size === 0 ? null : (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString('utf8')));
    req.once('error', reject);
  });
}

/**
 * Answers at once, whatever of the body is still to come. The answer goes out whole, and the connection closes
 * once the client has sent the rest of its body (read and dropped, up to a bound), as API Gateway does.
 */
function rejectRequest(req: IncomingMessage, res: ServerResponse, err: ApiError): void {
  if (req.complete || !hasBody(req)) {
    sendError(res, err);
    return;
  }
  const body = JSON.stringify(err.toBody());
  res.writeHead(err.status, { ...JSON_HEADERS, ...err.headers, 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.write(body);
  drainThen(req, () => res.end());
}

function sendError(res: ServerResponse, err: ApiError): void {
  res.writeHead(err.status, { ...JSON_HEADERS, ...err.headers });
  res.end(JSON.stringify(err.toBody()));
}

/**
 * Node's HTTP parser refused the request (a header section over its limit, a malformed request line) and the
 * server never sees it: answered here in OpenAI's shape, as API Gateway answers its own refusals, and closed once
 * the client has finished sending (up to a bound).
 */
function answerProtocolError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already on its way on this connection cannot be followed by another.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  const error = protocolError(err.code);
  const body = JSON.stringify(error.toBody());
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  // The parser stops reading at its error; what the client still sends is read here.
  socket.removeAllListeners('data');
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  drainThen(socket, () => socket.destroy());
}

function protocolError(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('invalid_request', 'The request headers are too large.', { status: 431, code: 'request_header_fields_too_large' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('invalid_request', 'The request took too long to arrive.', { status: 408, code: 'request_timeout' });
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ApiError('payload_too_large', 'The request body is malformed or too large.');
    default:
      return new ApiError('invalid_request', 'The request is not valid HTTP.', { code: 'malformed_request' });
  }
}

/** Reads and drops what `source` still sends, until it ends or passes DRAIN_LIMIT_BYTES or DRAIN_TIMEOUT_MS; then `close`. */
function drainThen(source: Readable | Duplex, close: () => void): void {
  let read = 0;
  const stop = () => {
    clearTimeout(timer);
    source.off('data', onData);
    source.off('end', stop);
    source.off('close', stop);
    close();
  };
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAIN_LIMIT_BYTES) stop();
  };
  const timer = setTimeout(stop, DRAIN_TIMEOUT_MS);
  source.on('data', onData);
  source.once('end', stop);
  source.once('close', stop);
  source.resume();
}

function isProxyResult(value: unknown): value is ProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return Number.isInteger(r.statusCode) && (r.body === undefined || r.body === null || typeof r.body === 'string');
}

function writeProxyResult(res: ServerResponse, result: ProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body) : '';
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

function sourceIpOf(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** One JSON line with the error's class name only: messages can quote request content, so they are not logged. */
function logFailure(quiet: boolean | undefined, message: string, err: unknown): void {
  if (quiet) return;
  const errorName = err instanceof Error ? err.name : err === undefined ? undefined : typeof err;
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', source: 'roukey-local', message, errorName })}\n`);
}
