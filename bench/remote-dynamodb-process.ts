import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The remote-DynamoDB stand-in's server (see remote-dynamodb.ts), in a process of its own so that what
 * DynamoDB does in AWS (reading and answering each write) costs the bench's measured thread nothing.
 * Argument: DynamoDB Local's endpoint. Messages from the parent: `{ id, absorb: table | null }` or `{ id }`; each is
 * answered with `{ id, absorbed }`, the write calls acknowledged so far. Its first message is `{ endpoint }`.
 */
const target = new URL(process.argv[2] ?? '');
let table: string | undefined;
let absorbed = 0;

const server = createServer((req, res) => {
  readAll(req).then(
    (body) => {
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
    },
    () => res.destroy(),
  );
});

server.listen(0, '127.0.0.1', () => process.send!({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
process.on('message', (message: { id: number; absorb?: string | null }) => {
  if (message.absorb !== undefined) table = message.absorb ?? undefined;
  process.send!({ id: message.id, absorbed });
});
// The parent's end (or its crash) ends the stand-in.
process.on('disconnect', () => process.exit(0));

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
