import { BedrockRuntimeClient, InvokeModelCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import OpenAI, { APIError } from 'openai';
import { portDoubles, RK_KEY, startHandlerServer, type PortDoubles } from '../../fakes/router-harness.js';
import { expectValid } from '../../support/openai-schema.js';
import { rejectionOf } from '../../support/thrown.js';

/** `POST /v1/embeddings` to Bedrock's Titan and Cohere models through InvokeModel, the SDK mocked where its calls' shapes matter. */
const bedrockMock = mockClient(BedrockRuntimeClient);
let ports: PortDoubles;
let server: { url: string; close(): Promise<void> };
let client: OpenAI;

beforeAll(async () => {
  ports = portDoubles();
  ports.providerKeys.set('aws', { providerKeyId: 'pk_bedrock', name: 'aws', provider: 'bedrock', region: 'us-west-2', apiKey: '' });
  server = await startHandlerServer(ports.deps);
  client = new OpenAI({ apiKey: RK_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
beforeEach(() => bedrockMock.reset());
afterAll(async () => {
  bedrockMock.restore();
  await server.close();
});

const body = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;
const sentBodies = () => bedrockMock.commandCalls(InvokeModelCommand).map((c) => [c.args[0].input.modelId, JSON.parse(String(c.args[0].input.body))]);

async function post(json: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${RK_KEY}` }, body: JSON.stringify(json) });
  return { status: res.status, json: await res.json() };
}

describe('Bedrock embeddings', () => {
  it('calls Titan once per text, in order, with dimensions, and sums its token counts', async () => {
    bedrockMock.on(InvokeModelCommand).callsFake((input: { body: string }) => {
      const { inputText } = JSON.parse(input.body) as { inputText: string };
      return { body: body({ embedding: [inputText.length, 0.5], inputTextTokenCount: inputText.length }) };
    });
    const res = await post({ model: 'aws/amazon.titan-embed-text-v2:0', input: ['a', 'bbb'], dimensions: 256 });
    expect(res.status).toBe(200);
    expectValid('embeddings', res.json);
    expect(res.json.data.map((d: any) => d.embedding)).toEqual([
      [1, 0.5],
      [3, 0.5],
    ]);
    expect(res.json.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(sentBodies()).toEqual([
      ['amazon.titan-embed-text-v2:0', { inputText: 'a', dimensions: 256, normalize: true }],
      ['amazon.titan-embed-text-v2:0', { inputText: 'bbb', dimensions: 256, normalize: true }],
    ]);
    expect(await bedrockMock.call(0).thisValue.config.region()).toBe('us-west-2');
  });

  it('sends Cohere every text in one call and estimates usage it does not report', async () => {
    bedrockMock.on(InvokeModelCommand).resolves({ body: body({ id: 'x', response_type: 'embeddings_floats', embeddings: [[0.1], [0.2]], texts: [] }) });
    const answer = await client.embeddings.create({ model: 'aws/cohere.embed-english-v3', input: ['one two', 'three'], encoding_format: 'float' });
    expect(answer.data.map((d) => d.embedding)).toEqual([[0.1], [0.2]]);
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
    expect(sentBodies()).toEqual([['cohere.embed-english-v3', { texts: ['one two', 'three'], input_type: 'search_document' }]]);
  });

  it.each([
    ['a Titan size it does not make', { model: 'aws/amazon.titan-embed-text-v2:0', input: 'a', dimensions: 300 }, 'dimensions'],
    ['a fixed-size model asked to shorten', { model: 'aws/cohere.embed-english-v3', input: 'a', dimensions: 512 }, 'dimensions'],
    ['a model family without an embeddings translation', { model: 'aws/meta.llama-embed', input: 'a' }, 'model'],
    ['more texts than Cohere takes at once', { model: 'aws/cohere.embed-english-v3', input: Array.from({ length: 97 }, () => 'x') }, 'input'],
  ])('refuses %s with a 400 naming the field, without calling Bedrock', async (_what, request, param) => {
    const res = await post(request);
    expect([res.status, res.json.error.param]).toEqual([400, param]);
    expect(bedrockMock.commandCalls(InvokeModelCommand)).toHaveLength(0);
  });

  it('answers a throttled call as a 429 the client may retry', async () => {
    bedrockMock.on(InvokeModelCommand).rejects(new ThrottlingException({ message: 'Too many requests', $metadata: {} }));
    const error = await rejectionOf(APIError, client.embeddings.create({ model: 'aws/amazon.titan-embed-text-v1', input: 'a' }));
    expect(error.status).toBe(429);
  });
});
