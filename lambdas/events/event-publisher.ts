import { z } from 'zod';
import { EVENT_SOURCE, type RouKeyEvents, type RouKeyEventType } from './roukey-events.js';

/** Puts one of RouKey's events on its bus; resolves once the bus has accepted it. */
export interface EventPublisher {
  publish<T extends RouKeyEventType>(type: T, detail: RouKeyEvents[T]): Promise<void>;
}

const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** The bus (lib/events.ts); set only on functions granted to publish. */
  EVENT_BUS_NAME: z.string().min(1, 'EVENT_BUS_NAME is not set'),
  /** Locally: the in-process bus's URL (lib/local/event-bus.ts), which speaks EventBridge's PutEvents. */
  EVENTBRIDGE_ENDPOINT: z.url().optional(),
});

/**
 * The EventBridge adapter, the same in AWS and locally (where the endpoint is the local bus). The SDK is loaded on
 * first publish so functions that never publish do not pay for it. PutEvents can accept the call and still refuse
 * the entry: that is an error here, so the caller answers 5xx instead of a 202 for work that will never start.
 */
export function createEventPublisher(env: NodeJS.ProcessEnv = process.env): EventPublisher {
  const config = envSchema.parse(env);
  let client: Promise<{ put: (entry: { DetailType: string; Detail: string }) => Promise<string | undefined> }> | undefined;
  return {
    async publish(type, detail) {
      client ??= import('@aws-sdk/client-eventbridge').then(({ EventBridgeClient, PutEventsCommand }) => {
        const sdk = new EventBridgeClient({
          region: config.AWS_REGION,
          ...(config.EVENTBRIDGE_ENDPOINT ? { endpoint: config.EVENTBRIDGE_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
        });
        return {
          async put(entry) {
            const out = await sdk.send(new PutEventsCommand({ Entries: [{ EventBusName: config.EVENT_BUS_NAME, Source: EVENT_SOURCE, ...entry }] }));
            return out.FailedEntryCount ? (out.Entries?.[0]?.ErrorCode ?? 'unknown') : undefined;
          },
        };
      });
      const failure = await (await client).put({ DetailType: type, Detail: JSON.stringify(detail) });
      if (failure) throw new Error(`The event bus refused ${type}: ${failure}`);
    },
  };
}
