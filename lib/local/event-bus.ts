import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_SOURCE, type RouKeyEvent, type RouKeyEventType } from '../../lambdas/events/roukey-events.js';

export type EventJobHandler = (event: RouKeyEvent) => Promise<unknown>;

export interface LocalEventBusOptions {
  /** The job each event type starts (lambdas/handlers/event-jobs.ts), loaded on first use. */
  readonly jobs: Readonly<Partial<Record<RouKeyEventType, () => Promise<EventJobHandler>>>>;
  readonly log?: (message: string) => void;
}

export interface LocalEventBus {
  /** What EVENTBRIDGE_ENDPOINT is set to: the SDK's PutEvents calls land here. */
  readonly endpoint: string;
  /** Resolves once every event accepted so far has been handled (or has failed its last attempt). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Lambda retries an asynchronous invocation that failed twice; the local bus does the same. */
const ATTEMPTS = 3;
const MAX_BODY_BYTES = 256 * 1024;

/**
 * RouKey's EventBridge bus, in process: an HTTP server on loopback that speaks PutEvents (AWS JSON 1.1), so the API's
 * handlers publish through the same adapter as in AWS, and that calls each event's job handler as a rule would
 * invoke its Lambda target: asynchronously, after the publisher has its answer, with retries. An event type no job
 * listens to is accepted and dropped, as on a bus without a matching rule.
 */
export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const log = options.log ?? (() => undefined);
  const inFlight = new Set<Promise<void>>();

  async function deliver(event: RouKeyEvent): Promise<void> {
    const load = options.jobs[event['detail-type']];
    if (!load) return;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await (await load())(event);
        return;
      } catch (err) {
        // The event id and type only: a detail holds ids, but a job's error message is not ours to vouch for.
        log(`event ${event['detail-type']} ${event.id}: attempt ${attempt} of ${ATTEMPTS} failed (${err instanceof Error ? err.name : 'error'})`);
      }
    }
  }

  function accept(entries: readonly { Source?: string; DetailType?: string; Detail?: string }[]): { EventId?: string; ErrorCode?: string }[] {
    return entries.map((entry) => {
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '');
      } catch {
        return { ErrorCode: 'MalformedDetail' };
      }
      if (entry.Source !== EVENT_SOURCE || !entry.DetailType) return { ErrorCode: 'InvalidArgument' };
      const event = {
        id: randomUUID(),
        source: EVENT_SOURCE,
        'detail-type': entry.DetailType as RouKeyEventType,
        time: new Date().toISOString(),
        detail,
      } as RouKeyEvent;
      // Not awaited by the answer: EventBridge invokes targets asynchronously, after PutEvents returns.
      const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => deliver(event));
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
      return { EventId: event.id };
    });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(res, 413, { __type: 'ValidationException', message: 'Request too large' });
      chunks.push(chunk);
    }
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      return reply(res, 400, { __type: 'UnknownOperationException', message: 'Only PutEvents is served locally' });
    }
    let body: { Entries?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { __type: 'SerializationException', message: 'Malformed JSON' });
    }
    const entries = Array.isArray(body.Entries) ? body.Entries : [];
    const results = accept(entries);
    reply(res, 200, { Entries: results, FailedEntryCount: results.filter((r) => r.ErrorCode).length });
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => reply(res, 500, { __type: 'InternalException', message: 'Internal error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const settle = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    settle,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await settle();
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
}
