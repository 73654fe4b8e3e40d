import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * DynamoDB as the router meets it in AWS: a remote service whose storage work costs the gateway's machine
 * nothing. It stands in front of DynamoDB Local and acknowledges the activity table's writes without storing
 * them; every other call (key lookups, management) goes through. The SDK still serialises, signs and sends
 * each write. Without it, DynamoDB Local's JVM spends 0.5–0.75 ms of CPU per stored item on the same two cores
 * as the load, the fake upstream and the gateway, and tops out near the bench's request rate.
 */
export interface RemoteDynamoDb {
  readonly endpoint: string;
  /** Which table's writes are acknowledged without storing; undefined passes them all to DynamoDB Local. */
  absorbWritesTo(table: string | undefined): void;
  /** Write calls acknowledged so far. */
  readonly absorbed: number;
  close(): Promise<void>;
}

export async function startRemoteDynamoDb(localEndpoint: string): Promise<RemoteDynamoDb> {
  const target = new URL(localEndpoint);
  let table: string | undefined;
  let absorbed = 0;
  const server = createServer((req, res) => {
    readAll(req).then((body) => {
      if (table !== undefined && writesOnlyTo(req, body, table)) {
        absorbed++;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        return void res.end(isBatch(req) ? '{"UnprocessedItems":{}}' : '{}');
      }
      const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    absorbWritesTo(name) {
      table = name;
    },
    get absorbed() {
      return absorbed;
    },
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

function isBatch(req: IncomingMessage): boolean {
  return String(req.headers['x-amz-target']).endsWith('.BatchWriteItem');
}

/** A PutItem or BatchWriteItem whose every item goes to `table`. */
function writesOnlyTo(req: IncomingMessage, body: Buffer, table: string): boolean {
  const operation = String(req.headers['x-amz-target']);
  if (operation.endsWith('.PutItem')) return (JSON.parse(body.toString('utf8')) as { TableName?: string }).TableName === table;
  if (!isBatch(req)) return false;
  const tables = Object.keys((JSON.parse(body.toString('utf8')) as { RequestItems?: object }).RequestItems ?? {});
  return tables.length === 1 && tables[0] === table;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
