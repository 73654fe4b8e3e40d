import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback, pollUntil } from './fake-server.js';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { installLambdaStreamingGlobals, LocalResponseStream } from '../../lib/local/lambda-streaming.js';
import { DEFAULT_BOUNDS, type GatewayDeps } from '../../lambdas/gateway/deps.js';
import type { Admission, ApiKeyPrincipal, RequestGate } from '../../lambdas/gateway/ports.js';
import type { SecurityEvent } from '../../lambdas/security/security-event.js';
import type { UpstreamCredentials } from '../../lambdas/providers/types.js';
import type { ActivityWriter } from '../../lambdas/store/activity-repo.js';
import type { RoutingConfig } from '../../lambdas/routing/config-schema.js';
import { BUILTIN_ROLE_SET } from '../../lambdas/routing/classify/builtin-roles.js';
import { TargetHealth } from '../../lambdas/routing/target-health.js';
import { createChatCompletionsHandler } from '../../lambdas/inbound/openai/chat-completions.js';
import { createEmbeddingsHandler } from '../../lambdas/inbound/openai/embeddings.js';
import { createModelsHandler } from '../../lambdas/inbound/openai/models.js';
import { createMessagesHandler } from '../../lambdas/inbound/anthropic/messages.js';

installLambdaStreamingGlobals();

type Recorded = Parameters<ActivityWriter['recordRequest']>[0];

/** Test doubles of the router's ports, with everything they saw kept for assertions. */
export interface PortDoubles {
  deps: GatewayDeps;
  records: Recorded[];
  touches: ApiKeyPrincipal[];
  logs: string[];
  providerKeys: Map<string, UpstreamCredentials>;
  /** The account's routing configs, by name. */
  configs: Map<string, RoutingConfig>;
  /** While set, activity writes wait for it: a test holds them to see that the response ends first. */
  activityHold: Promise<void> | undefined;
  refuseBaseUrls: Set<string>;
  /** What the request gate answers; every caller is admitted by default. */
  gate: RequestGate;
  /** Who the valid key belongs to, when a test needs an account of its own; PRINCIPAL by default. */
  authenticatorPrincipal: ApiKeyPrincipal | undefined;
  /** The tokens settled against the month, per request. */
  settled: number[];
  securityEvents: SecurityEvent[];
}

/** An admission with room to spare, as the doubles' gate answers by default. */
export const ADMITTED: Admission = { requests: { limit: 1_000, remaining: 999, resetAt: Date.now() + 60_000 } };

export const PRINCIPAL: ApiKeyPrincipal = { accountId: 'acc_test', apiKeyId: 'ak_test' };
export const RK_KEY = 'rk_test_valid_key';

export function portDoubles(): PortDoubles {
  const doubles: PortDoubles = {
    records: [],
    touches: [],
    logs: [],
    providerKeys: new Map(),
    configs: new Map(),
    activityHold: undefined,
    refuseBaseUrls: new Set(),
    settled: [],
    securityEvents: [],
    authenticatorPrincipal: undefined,
    gate: undefined as unknown as RequestGate,
    deps: undefined as unknown as GatewayDeps,
  };
  doubles.gate = {
    admit: async () => ADMITTED,
    assertActive: async () => undefined,
    settle: async (_caller, tokens) => void doubles.settled.push(tokens),
  };
  doubles.deps = {
    authenticator: {
      authenticate: async (key) => (key === RK_KEY ? (doubles.authenticatorPrincipal ?? PRINCIPAL) : undefined),
      touch: async (p) => void doubles.touches.push(p),
    },
    gate: {
      admit: (caller) => doubles.gate.admit(caller),
      assertActive: (caller) => doubles.gate.assertActive(caller),
      settle: (caller, tokens) => doubles.gate.settle(caller, tokens),
    },
    securityEvents: { record: (event) => void doubles.securityEvents.push(event), flush: async () => undefined },
    providerKeys: {
      byName: async (accountId, name) => (accountId === (doubles.authenticatorPrincipal ?? PRINCIPAL).accountId ? doubles.providerKeys.get(name) : undefined),
      list: async (accountId) =>
        accountId === (doubles.authenticatorPrincipal ?? PRINCIPAL).accountId
          ? [...doubles.providerKeys.values()].map(({ providerKeyId, name, provider }) => ({ providerKeyId, name, provider }))
          : [],
      providers: async (accountId) =>
        new Map(accountId === (doubles.authenticatorPrincipal ?? PRINCIPAL).accountId ? [...doubles.providerKeys].map(([name, c]) => [name, c.provider]) : []),
    },
    routing: {
      store: {
        config: async (accountId, name) => (accountId === (doubles.authenticatorPrincipal ?? PRINCIPAL).accountId ? doubles.configs.get(name) : undefined),
        roles: async () => BUILTIN_ROLE_SET,
        configNames: async (accountId) => (accountId === (doubles.authenticatorPrincipal ?? PRINCIPAL).accountId ? [...doubles.configs.keys()].sort() : []),
      },
      health: new TargetHealth(),
    },
    activity: {
      recordRequest: async (record) => {
        await doubles.activityHold;
        doubles.records.push(record);
      },
    },
    assertSafeBaseUrl: async (url) => {
      if (doubles.refuseBaseUrls.has(url)) throw new Error('refused');
    },
    timeouts: { streamFirstTokenMs: 400, responseMs: 400, streamIdleMs: 400, requestMs: 60_000, modelsMs: 400 },
    bounds: DEFAULT_BOUNDS,
    log: (entry) => void doubles.logs.push(JSON.stringify(entry)),
  };
  return doubles;
}

/**
 * A tiny stand-in for the local runtime: each HTTP request becomes an API Gateway proxy event handed to the
 * handlers through the same `awslambda` streaming shim, so tests drive them with the official openai client.
 */
export async function startHandlerServer(deps: GatewayDeps): Promise<{ url: string; close(): Promise<void> }> {
  const chat = awslambda.streamifyResponse(createChatCompletionsHandler(() => deps));
  const messages = awslambda.streamifyResponse(createMessagesHandler(() => deps));
  const embeddings = awslambda.streamifyResponse(createEmbeddingsHandler(() => deps));
  const models = createModelsHandler(() => deps);
  const server: Server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const event = {
        httpMethod: req.method,
        path: req.url,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
        body: body.length ? Buffer.concat(body).toString('base64') : null,
        isBase64Encoded: true,
        resource: req.url,
        requestContext: { requestId: randomUUID(), identity: { sourceIp: req.socket.remoteAddress } },
      } as unknown as APIGatewayProxyEvent;
      const streamed = { '/v1/chat/completions': chat, '/v1/messages': messages, '/v1/embeddings': embeddings }[req.method === 'POST' ? (req.url ?? '') : ''];
      if (streamed) {
        void streamed(event, new LocalResponseStream(res) as unknown as awslambda.HttpResponseStream, {} as never);
      } else if (req.method === 'GET' && req.url === '/v1/models') {
        void models(event).then((out: APIGatewayProxyResult) => {
          res.writeHead(out.statusCode, out.headers as Record<string, string>);
          res.end(out.body);
        });
      } else {
        res.writeHead(404).end();
      }
    });
  });
  const { origin, close } = await listenOnLoopback(server);
  return { url: origin, close };
}

export function waitFor<T>(probe: () => T | undefined, timeoutMs = 3_000): Promise<T> {
  return pollUntil(probe, timeoutMs, 'condition not reached in time');
}
