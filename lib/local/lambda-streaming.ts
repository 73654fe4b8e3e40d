import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/**
 * The `awslambda` globals that Lambda's Node runtime provides for response streaming, over a Node HTTP
 * response. Installed before any handler module is imported, so the local server calls the very handlers that
 * API Gateway invokes.
 */
export interface StreamPrelude {
  statusCode?: number;
  headers?: Record<string, string>;
}

export type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<void>;

const STREAMING = Symbol.for('roukey.streamifyResponse');

/** A writable that sends the prelude as the status line and headers, then the body bytes as they come. */
export class LocalResponseStream extends Writable {
  private corked = false;

  constructor(private readonly res: ServerResponse) {
    // Text goes to the response as text: it encodes it into the socket write itself, without a Buffer per chunk.
    super({ decodeStrings: false });
    // A client that goes away ends the stream the handler writes to, as it does in Lambda.
    res.on('close', () => {
      if (!res.writableFinished) this.destroy(new Error('client disconnected'));
    });
  }

  setPrelude(prelude: StreamPrelude): void {
    if (!this.res.headersSent) this.res.writeHead(prelude.statusCode ?? 200, prelude.headers ?? {});
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.res.headersSent) this.res.writeHead(200);
    this.corkUntilNextTurn();
    // Done once the response holds it; waiting for the socket flush would keep `end()` out of the corked turn.
    if (this.res.write(chunk, encoding)) callback();
    else this.res.once('drain', () => callback());
  }

  /**
   * Writes made in one turn of the event loop (a whole JSON answer and its end, or SSE chunks that arrived
   * together from the upstream) leave in one socket write: each write is a syscall, dear on small VMs.
   * Nothing waits longer than the current turn.
   */
  private corkUntilNextTurn(): void {
    if (this.corked) return;
    this.corked = true;
    this.res.cork();
    setImmediate(() => {
      this.corked = false;
      this.res.uncork();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.res.headersSent) this.res.writeHead(200);
    this.res.end(() => callback());
  }
}

export function installLambdaStreamingGlobals(): void {
  const g = globalThis as { awslambda?: Record<string, unknown> };
  // The AWS SDK's @aws/lambda-invoke-store may already have put `awslambda.InvokeStore` there: extend, keep it.
  if (typeof g.awslambda?.streamifyResponse === 'function') return;
  g.awslambda = {
    ...g.awslambda,
    streamifyResponse(handler: StreamingHandler): StreamingHandler {
      return Object.assign(handler, { [STREAMING]: true });
    },
    HttpResponseStream: {
      from(stream: Writable, prelude: StreamPrelude): Writable {
        (stream as LocalResponseStream).setPrelude(prelude);
        return stream;
      },
    },
  };
}

export function isStreamingHandler(fn: unknown): fn is StreamingHandler {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[STREAMING] === true;
}
