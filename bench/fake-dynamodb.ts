import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * A stand-in for DynamoDB's API that answers the export job's calls from memory: the account's request records are
 * generated page by page (1 MB pages, as DynamoDB returns them), every other Query finds nothing, status writes are
 * accepted. With it the export bench measures RouKey's own cost on a million records — the SDK's parsing, the
 * document, gzip and the upload — without DynamoDB Local's speed on a shared machine in the way.
 */
export async function startFakeDynamoDb(options: {
  records: number;
  /** The request record at an index, as the activity table holds it (with pk and sk). */
  record: (index: number) => Record<string, unknown>;
  /** The index of a record from its sk (for ExclusiveStartKey). */
  indexOf: (sk: string) => number;
  /** The status item the job reads first. */
  status: Record<string, unknown>;
}): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const itemBytes = JSON.stringify(marshall(options.record(0), { removeUndefinedValues: true })).length;
  const perPage = Math.max(1, Math.floor((1024 * 1024) / itemBytes));
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await text(req)) as Record<string, any>;
    const target = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    let answer: unknown = {};
    if (target === 'GetItem' && String(body.Key?.sk?.S).startsWith('EXPORT#')) answer = { Item: marshall(options.status) };
    if (target === 'Query' && body.ExpressionAttributeValues?.[':prefix']?.S === 'REQ#') {
      const from = body.ExclusiveStartKey ? options.indexOf(body.ExclusiveStartKey.sk.S) + 1 : 0;
      const to = Math.min(options.records, from + perPage);
      const items = Array.from({ length: to - from }, (_, k) => marshall(options.record(from + k), { removeUndefinedValues: true }));
      const last = items.at(-1);
      answer = {
        Items: items,
        Count: items.length,
        ScannedCount: items.length,
        ...(to < options.records && last ? { LastEvaluatedKey: { pk: last.pk, sk: last.sk } } : {}),
      };
    } else if (target === 'Query') answer = { Items: [], Count: 0, ScannedCount: 0 };
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
