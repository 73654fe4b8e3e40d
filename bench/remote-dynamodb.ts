import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * DynamoDB as the router meets it in AWS: a remote service whose storage work costs the gateway's machine
 * nothing. It stands in front of DynamoDB Local and acknowledges the activity table's writes without storing
 * them; every other call (key lookups, management) goes through. The SDK still serialises, signs and sends
 * each write. Without it, DynamoDB Local's JVM spends 0.5–0.75 ms of CPU per stored item on the same two cores
 * as the load, the fake upstream and the gateway, and tops out near the bench's request rate.
 *
 * It runs in a process of its own (remote-dynamodb-process.ts): in the bench's thread, reading and parsing each
 * batch of 25 items cost that thread about 0.3 ms, DynamoDB's work charged to the gateway.
 */
export interface RemoteDynamoDb {
  readonly endpoint: string;
  /** Which table's writes are acknowledged without storing; undefined passes them all to DynamoDB Local. */
  absorbWritesTo(table: string | undefined): Promise<void>;
  /** Write calls acknowledged so far. */
  absorbedCalls(): Promise<number>;
  close(): Promise<void>;
}

export async function startRemoteDynamoDb(localEndpoint: string): Promise<RemoteDynamoDb> {
  const child = fork(fileURLToPath(new URL('./remote-dynamodb-process.ts', import.meta.url)), [localEndpoint], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { endpoint: string }) => resolve(m.endpoint));
    child.once('exit', (code) => reject(new Error(`the DynamoDB stand-in exited (${code}) before serving`)));
  });
  let nextId = 0;
  const ask = (message: { absorb?: string | null }): Promise<number> =>
    new Promise((resolve) => {
      const id = ++nextId;
      const onMessage = (m: { id?: number; absorbed?: number }) => {
        if (m.id !== id) return;
        child.off('message', onMessage);
        resolve(m.absorbed ?? 0);
      };
      child.on('message', onMessage);
      child.send({ id, ...message });
    });
  return {
    endpoint,
    // IPC drops undefined values, so "store everything" travels as null.
    absorbWritesTo: async (table) => void (await ask({ absorb: table ?? null })),
    absorbedCalls: () => ask({}),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
