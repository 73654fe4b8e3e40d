import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import OpenAI from 'openai';
import { localDynamoDbClient } from '../../lib/local/dynamodb-local.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../fakes/openai-upstream.js';
import { scanRuntimeTables, startE2E, type E2EContext } from '../support/e2e-setup.js';

/**
 * Whoever can write the accounts table points a provider key at a host of their own: through the whole local
 * runtime and the official client, RouKey refuses the key and sends nothing anywhere.
 */
let e2e: E2EContext;
let attacker: FakeOpenAIUpstream;

beforeAll(async () => {
  e2e = await startE2E();
  attacker = await startFakeOpenAIUpstream();
  const second = await e2e.mgmt('POST', '/v1/provider-keys', { provider: 'openai', name: 'second', apiKey: e2e.providerSecret, baseUrl: e2e.upstream.baseUrl });
  if (second.status !== 201) throw new Error(`provider key not created: ${second.status}`);
  // Both changes before the router's first read, which caches the account's key list.
  const [fake, other] = [await providerKeyItem('fake'), await providerKeyItem('second')];
  expect([fake.contextVersion, other.contextVersion]).toEqual([2, 2]);
  await setAttribute(fake, 'baseUrl', attacker.baseUrl);
  await setAttribute(other, 'baseUrl', attacker.baseUrl);
  await setAttribute(other, 'contextVersion', undefined);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await attacker?.close();
});

async function providerKeyItem(name: string): Promise<Record<string, unknown>> {
  const { accounts } = await scanRuntimeTables(e2e.local);
  return accounts.find((i) => String(i.sk).startsWith('PKEY#') && i.name === name)!;
}

async function setAttribute(item: Record<string, unknown>, attribute: string, value: unknown): Promise<void> {
  const config = e2e.local.runtime.config;
  const db = DynamoDBDocumentClient.from(localDynamoDbClient(config.dynamodbEndpoint));
  try {
    await db.send(
      new UpdateCommand({
        TableName: config.tables.accounts,
        Key: { pk: item.pk, sk: item.sk },
        ...(value === undefined
          ? { UpdateExpression: 'REMOVE #a', ExpressionAttributeNames: { '#a': attribute } }
          : { UpdateExpression: 'SET #a = :v', ExpressionAttributeNames: { '#a': attribute }, ExpressionAttributeValues: { ':v': value } }),
      }),
    );
  } finally {
    db.destroy();
  }
}

async function chatError(model: string): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await e2e.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('provider keys cannot be redirected by writing the table', () => {
  it('P2: a baseUrl changed in the table fails to decrypt and no upstream receives anything', async () => {
    const err = await chatError('fake/gpt-4o-mini');
    expect(err.status).toBe(500);
    expect(JSON.stringify(err.error)).not.toContain(e2e.providerSecret);
    expect(attacker.requests).toHaveLength(0);
    expect(e2e.upstream.requests).toHaveLength(0);
  });

  it('P2: a key whose version was dropped to pass as an old one is refused with 424 provider_key_unbound, nothing sent', async () => {
    const err = await chatError('second/gpt-4o-mini');
    expect(err.status).toBe(424);
    expect(err.code).toBe('provider_key_unbound');
    expect(err.message).toContain("'second'");
    expect(attacker.requests).toHaveLength(0);
    expect(e2e.upstream.requests).toHaveLength(0);
  });

  it('a provider key under 8 characters is a 400 naming apiKey and is not stored', async () => {
    const res = await e2e.mgmt('POST', '/v1/provider-keys', { provider: 'openai', name: 'short', apiKey: 'sk-1234' });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('apiKey');
    expect(JSON.stringify((await e2e.mgmt('GET', '/v1/provider-keys')).json)).not.toContain('short');
  });
});
