import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventPublisher } from '../../lambdas/events/event-publisher.js';
import type { RouKeyEvent } from '../../lambdas/events/roukey-events.js';
import { startLocalEventBus, type LocalEventBus } from '../../lib/local/event-bus.js';

const publisherFor = (endpoint: string) => createEventPublisher({ AWS_REGION: 'us-east-1', EVENT_BUS_NAME: 'roukey-test', EVENTBRIDGE_ENDPOINT: endpoint });

describe('the local event bus', () => {
  let bus: LocalEventBus | undefined;
  afterEach(async () => {
    await bus?.stop();
    bus = undefined;
  });

  it("hands a published event to its job's handler in EventBridge's shape, without the publisher waiting for the job", async () => {
    const seen: RouKeyEvent[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    bus = await startLocalEventBus({
      jobs: {
        'export.requested': async () => async (event) => {
          seen.push(event);
          await held;
        },
      },
    });
    await publisherFor(bus.endpoint).publish('export.requested', { accountId: 'acct-1', exportId: 'exp-1' });
    release();
    await bus.settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ source: 'roukey', 'detail-type': 'export.requested', detail: { accountId: 'acct-1', exportId: 'exp-1' } });
    expect(seen[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a failing job twice, as Lambda retries an asynchronous invocation, and logs only the event type and id', async () => {
    let attempts = 0;
    const lines: string[] = [];
    bus = await startLocalEventBus({
      jobs: {
        'deletion.requested': async () => async () => {
          attempts++;
          throw new Error('secret-looking detail that must not be logged');
        },
      },
      log: (line) => lines.push(line),
    });
    await publisherFor(bus.endpoint).publish('deletion.requested', { deletionId: 'del-1' });
    await bus.settle();
    expect(attempts).toBe(3);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain('deletion.requested');
    expect(lines.join('\n')).not.toContain('secret-looking');
  });

  it('accepts an event no job listens to and drops it, as a bus without a matching rule does', async () => {
    bus = await startLocalEventBus({ jobs: {} });
    await expect(publisherFor(bus.endpoint).publish('export.requested', { accountId: 'a', exportId: 'e' })).resolves.toBeUndefined();
    await bus.settle();
  });

  it('refuses an entry from another source or with a malformed detail, and any operation but PutEvents', async () => {
    bus = await startLocalEventBus({ jobs: {} });
    const put = (body: unknown, target = 'AWSEvents.PutEvents') =>
      fetch(bus?.endpoint ?? '', {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body: JSON.stringify(body),
      });
    const refused = await put({
      Entries: [
        { Source: 'someone-else', DetailType: 'export.requested', Detail: '{}' },
        { Source: 'roukey', DetailType: 'x', Detail: '{' },
      ],
    });
    expect(await refused.json()).toEqual({ Entries: [{ ErrorCode: 'InvalidArgument' }, { ErrorCode: 'MalformedDetail' }], FailedEntryCount: 2 });
    expect((await put({}, 'AWSEvents.ListRules')).status).toBe(400);
  });
});

describe('the event publisher', () => {
  it('fails when the bus accepts the call but refuses the entry, so the API does not answer 202 for work that never starts', async () => {
    const server = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await expect(publisherFor(endpoint).publish('deletion.requested', { deletionId: 'd' })).rejects.toThrow('ThrottlingException');
    } finally {
      server.close();
    }
  });

  it('needs the bus name', () => {
    expect(() => createEventPublisher({})).toThrow('EVENT_BUS_NAME');
  });
});
