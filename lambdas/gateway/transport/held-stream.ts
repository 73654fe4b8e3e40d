import type { Writable } from 'node:stream';
import { writeText } from './response-writer.js';

/**
 * How long an answer held back until it is whole may leave its client in silence. API Gateway drops a streamed
 * response idle for five minutes, and proxies in between often sooner.
 */
export const HELD_STREAM_KEEP_ALIVE_MS = 15_000;

/** An SSE comment: every SSE client skips it. */
const KEEP_ALIVE = ': keep-alive\n\n';

/**
 * A streamed answer held back until it is whole. While it is quick, nothing is sent, so a failure can still be an
 * honest error status; once it has waited the keep-alive interval, its stream opens (status 200) and a comment
 * goes out each interval, and a failure from then on can only be an event in the stream.
 */
export class HeldStream {
  readonly #open: () => Writable;
  readonly #timer: NodeJS.Timeout;
  #out: Writable | undefined;

  constructor(open: () => Writable, intervalMs = HELD_STREAM_KEEP_ALIVE_MS) {
    this.#open = open;
    this.#timer = setInterval(() => this.#keepAlive(), intervalMs);
  }

  /** Whether status and headers have gone out. */
  get opened(): boolean {
    return this.#out !== undefined;
  }

  /** The answer is ready (or has failed after opening): no more comments; the stream to write it to. */
  release(): Writable {
    this.stop();
    this.#out ??= this.#open();
    return this.#out;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #keepAlive(): void {
    this.#out ??= this.#open();
    // A client that has gone is found by the answer's own write; the comment has nothing to report.
    Promise.resolve()
      .then(() => writeText(this.#out as Writable, KEEP_ALIVE))
      .catch(() => undefined);
  }
}
