import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { UpstreamError, type UpstreamHttpRequest, type UpstreamResponse } from '../types.js';
import { parseConverseUrl } from './api.js';
import { bedrockFailure } from './failure.js';

/**
 * Calls Converse / ConverseStream through the SDK (SigV4 with the deployment's IAM role; no key). The gateway reads
 * every upstream answer as bytes, so the SDK's result is handed on as NDJSON that this adapter alone writes and
 * reads: non-streamed, one line holding `{ modelId, ...ConverseCommandOutput }`; streamed, a `{ modelId }` line and
 * then each ConverseStream event as the SDK yields it. Byte fields (images, redacted reasoning) become base64.
 */
const clients = new Map<string, BedrockRuntimeClient>();

export function runtimeClient(region: string): BedrockRuntimeClient {
  let client = clients.get(region);
  if (!client) {
    client = new BedrockRuntimeClient({ region });
    clients.set(region, client);
  }
  return client;
}

export async function sendConverse(request: UpstreamHttpRequest, signal: AbortSignal): Promise<UpstreamResponse> {
  const target = parseConverseUrl(request.url);
  const input = { ...withImageBytes(JSON.parse(request.body ?? '{}') as Record<string, unknown>), modelId: target.modelId } as ConverseCommandInput;
  const client = runtimeClient(target.region);
  try {
    if (!target.stream) {
      const { $metadata: _metadata, ...output } = await client.send(new ConverseCommand(input), { abortSignal: signal });
      return ndjsonResponse(oneLine({ modelId: target.modelId, ...output }));
    }
    const output = await client.send(new ConverseStreamCommand(input), { abortSignal: signal });
    if (!output.stream) throw new UpstreamError({ kind: 'stream', message: 'Bedrock answered without an event stream.' });
    return ndjsonResponse(eventLines(target.modelId, output.stream));
  } catch (err) {
    throw asUpstreamError(err);
  }
}

/** A Bedrock exception becomes its failure; anything else (abort, network) is left for the gateway to classify. */
export function asUpstreamError(err: unknown): unknown {
  const failure = bedrockFailure(err);
  return failure ? new UpstreamError(failure) : err;
}

export async function* oneLine(value: unknown): AsyncGenerator<Uint8Array> {
  yield line(value);
}

async function* eventLines(modelId: string, stream: AsyncIterable<ConverseStreamOutput>): AsyncGenerator<Uint8Array> {
  yield line({ modelId });
  let events = 0;
  try {
    for await (const event of stream) {
      events++;
      yield line(event);
    }
  } catch (err) {
    // Before any event the exception is Bedrock's answer (a throttle, say) and keeps its status; later it breaks a stream.
    const failure = bedrockFailure(err);
    if (!failure) throw err;
    throw new UpstreamError(events === 0 ? failure : { kind: 'stream', message: failure.kind === 'http' ? failure.message : undefined });
  }
}

function line(value: unknown): Uint8Array {
  return Buffer.from(`${JSON.stringify(value, bytesAsBase64)}\n`, 'utf8');
}

function bytesAsBase64(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

/** The Converse REST body carries image bytes as base64; the SDK wants the bytes. */
function withImageBytes(body: Record<string, unknown>): Record<string, unknown> {
  const messages = body.messages as Array<{ content: Array<{ image?: { source: { bytes: unknown } } }> }> | undefined;
  for (const message of messages ?? []) {
    for (const block of message.content) {
      if (block.image && typeof block.image.source.bytes === 'string') block.image.source.bytes = Buffer.from(block.image.source.bytes, 'base64');
    }
  }
  return body;
}

export function ndjsonResponse(body: AsyncIterable<Uint8Array>): UpstreamResponse {
  return {
    status: 200,
    header: () => undefined,
    async text() {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    },
    body,
    discard() {
      void body[Symbol.asyncIterator]().return?.();
    },
  };
}
