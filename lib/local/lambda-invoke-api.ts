import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { localLambdaContext } from './lambda-context.js';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`, synchronous invocations) on loopback, so
 * cognito-local calls the user pool triggers the way Cognito calls them in AWS: by function name, with the event
 * as the payload, through the same handler module. A thrown error answers as Lambda does: 200 with
 * `X-Amz-Function-Error: Unhandled` and `{ errorMessage, errorType }`, which Cognito turns into the sign-up refusal.
 */
export interface LambdaInvokeApi {
  readonly endpoint: string;
  stop(): Promise<void>;
}

type TriggerHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaInvokeApi(functions: Readonly<Record<string, () => Promise<{ handler: unknown }>>>): Promise<LambdaInvokeApi> {
  const loaded = new Map<string, Promise<TriggerHandler>>();
  const load = (name: string) => {
    let handler = loaded.get(name);
    if (!handler) {
      handler = functions[name]!().then((m) => m.handler as TriggerHandler);
      handler.catch(() => loaded.delete(name));
      loaded.set(name, handler);
    }
    return handler;
  };

  const server = createServer((req, res) => {
    invoke(req, res).catch(() => {
      if (!res.headersSent) awsError(res, 500, 'ServiceException', 'The local Lambda service failed.');
      else res.destroy();
    });
  });

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = decodeURIComponent(INVOKE_PATH.exec(req.url?.split('?')[0] ?? '')?.[1] ?? '');
    if (req.method !== 'POST' || !name) return awsError(res, 404, 'UnknownOperationException', 'Only Invoke is served here.');
    if (!Object.hasOwn(functions, name)) return awsError(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    const invocationType = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    if (invocationType !== 'RequestResponse')
      return awsError(res, 400, 'InvalidParameterValueException', 'Only RequestResponse invocations are served locally.');
    const payload = await readPayload(req);
    if (payload === undefined)
      return awsError(res, 413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    let event: unknown;
    try {
      event = payload === '' ? {} : JSON.parse(payload);
    } catch {
      return awsError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const handler = await load(name);
    let result: unknown;
    try {
      // Cognito waits 5 s for a trigger.
      result = await handler(event, localLambdaContext(name, randomUUID(), 5_000));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
      res.end(JSON.stringify({ errorMessage: error.message, errorType: error.name }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
    res.end(JSON.stringify(result ?? null));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body, or undefined past Lambda's payload limit (the rest is not read). */
function readPayload(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) {
        req.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

/** An error as Lambda's API answers one: the type in `x-amzn-ErrorType`, a JSON body. */
function awsError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, ...(status === 413 ? { connection: 'close' } : {}) });
  res.end(JSON.stringify({ Type: 'User', message }));
}
