import OpenAI from 'openai';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream, type FakeUpstreamOptions } from '../fakes/openai-upstream.js';
import { startTestLocalRuntime, type ManagementCall, type TestLocalRuntime } from './local-runtime.js';

export type { ManagementCall };
import { scanAllTables } from './tables.js';

type RuntimeOptions = Parameters<typeof startTestLocalRuntime>[0];

/** The local runtime with a provider key `fake` pointing at an upstream, and an API key, made through the public API. */
export interface ProvisionedGateway {
  readonly local: TestLocalRuntime;
  readonly gatewayUrl: string;
  readonly mgmt: ManagementCall;
  /** A RouKey API key (`rk_…`) and its id. */
  readonly apiKey: string;
  readonly apiKeyId: string;
  /** The provider key's plaintext, as stored through the management API. */
  readonly providerSecret: string;
  /** The official OpenAI client pointed at RouKey, retries off so every status is seen as RouKey sent it. */
  readonly client: OpenAI;
  stop(): Promise<void>;
}

export interface E2EContext extends ProvisionedGateway {
  readonly upstream: FakeOpenAIUpstream;
}

/**
 * Everything an end-to-end test needs: the local runtime with the dev user signed in, a fake OpenAI upstream,
 * a provider key named `fake` pointing at it, and an API key — all made through the public API.
 */
export async function startE2E(upstreamOptions: Partial<FakeUpstreamOptions> = {}, runtimeOptions: RuntimeOptions = {}): Promise<E2EContext> {
  const upstream = await startFakeOpenAIUpstream(upstreamOptions);
  const gateway = await provisionGateway(upstream.baseUrl, runtimeOptions);
  return {
    ...gateway,
    upstream,
    async stop() {
      await gateway.stop();
      await upstream.close();
    },
  };
}

/** The local runtime, signed in, with a provider key named `fake` for `upstreamBaseUrl` and a RouKey API key. */
export async function provisionGateway(upstreamBaseUrl: string, runtimeOptions: RuntimeOptions = {}): Promise<ProvisionedGateway> {
  const local = await startTestLocalRuntime(runtimeOptions);
  const gatewayUrl = local.runtime.gatewayUrl;
  const { mgmt } = local;
  const providerSecret = `sk-e2e-${crypto.randomUUID()}`;
  const pk = await mgmt('POST', '/v1/provider-keys', { provider: 'openai', name: 'fake', apiKey: providerSecret, baseUrl: upstreamBaseUrl });
  if (pk.status !== 201) throw new Error(`provider key not created: ${pk.status}`);
  const ak = await mgmt('POST', '/v1/api-keys', { name: 'e2e' });
  if (ak.status !== 201) throw new Error(`API key not created: ${ak.status}`);
  const client = new OpenAI({ apiKey: ak.json.key, baseURL: `${gatewayUrl}/v1`, maxRetries: 0, timeout: 20_000 });
  return {
    local,
    gatewayUrl,
    mgmt,
    apiKey: ak.json.key,
    apiKeyId: ak.json.id,
    providerSecret,
    client,
    stop: () => local.stop(),
  };
}

/** A raw POST to the router, for what the official client cannot send (bad JSON, bad keys). */
export async function postChat(gatewayUrl: string, apiKey: string, body: string): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/** A provider key as the management API takes it. */
export interface ProviderKeyInput {
  provider: string;
  name: string;
  apiKey: string;
  baseUrl: string;
}

/** Adds a provider key through the management API; the HTTP status, which the caller checks (201). */
export async function addProviderKey(mgmt: ManagementCall, key: ProviderKeyInput): Promise<number> {
  return (await mgmt('POST', '/v1/provider-keys', key)).status;
}

/** Every table of the runtime's local DynamoDB, for the privacy and activity checks. */
export function scanRuntimeTables(local: TestLocalRuntime): ReturnType<typeof scanAllTables> {
  const config = local.runtime.config;
  return scanAllTables(config.dynamodbEndpoint, config.tables);
}
