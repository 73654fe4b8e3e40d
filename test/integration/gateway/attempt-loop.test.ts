import { configPolicy } from '../../../lambdas/gateway/engine/attempt-policy.js';
import { AttemptLoop } from '../../../lambdas/gateway/engine/attempt-loop.js';
import { AbortSwitch } from '../../../lambdas/gateway/transport/abort-switch.js';
import { chatAnswerHeaders } from '../../../lambdas/inbound/response-headers.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { routingConfigSchema } from '../../../lambdas/routing/config-schema.js';
import { decideRoute, directDecision } from '../../../lambdas/routing/decide-route.js';
import { targetKey } from '../../../lambdas/routing/decision.js';
import { TargetHealth } from '../../../lambdas/routing/target-health.js';
import { BUILTIN_ROLE_SET, scoreComplexity } from '../../../lambdas/routing/classify/index.js';
import { attemptRecordSchema, MAX_RECORDED_ATTEMPTS } from '../../../lambdas/store/activity-record.js';
import { startFakeOpenAIUpstream, type FakeOpenAIUpstream } from '../../fakes/openai-upstream.js';
import { PRINCIPAL, portDoubles } from '../../fakes/router-harness.js';

let fake: FakeOpenAIUpstream;
beforeAll(async () => {
  fake = await startFakeOpenAIUpstream();
});
afterAll(async () => {
  await fake.close();
});

describe('AttemptLoop', () => {
  it('stops at the record’s bound of attempts, however many targets and retries a config allows', async () => {
    const ports = portDoubles();
    const keys = Array.from({ length: 32 }, (_, i) => `k${i}`);
    for (const name of keys) ports.providerKeys.set(name, { providerKeyId: `pk_${name}`, name, provider: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-x' });
    const targets = (names: string[]) => names.map((name) => ({ model: `${name}/fail-500` }));
    // A role group of 16 targets, 16 more as the last resort, 3 retries each: 128 calls without the bound.
    const config = routingConfigSchema.parse({
      name: 'wide',
      strategy: 'role',
      roles: { chat: targets(keys.slice(0, 16)) },
      defaultRole: 'chat',
      targets: targets(keys.slice(16)),
      reliability: { retries: 3 },
    });
    const request = { body: { messages: [{ role: 'user', content: 'hi' }] }, model: 'roukey/wide', stream: false, includeUsage: false };
    const decision = await decideRoute(
      config,
      { ...request, promptTokens: 5, needs: { tools: false, vision: false, jsonSchema: false, reasoning: false }, metadata: {}, stickyId: 'u' },
      {
        accountId: PRINCIPAL.accountId,
        roles: BUILTIN_ROLE_SET,
        providerOf: () => 'openai',
        health: ports.deps.routing.health,
        classify: () => ({ role: 'chat', confidence: 1, method: 'local' }),
        defaultMinConfidence: 0.4,
        scoreComplexity,
        random: Math.random,
      },
    );
    expect(decision.targets).toHaveLength(32);
    const inbound = { caller: PRINCIPAL, request, headers: {}, receivedAt: Date.now(), clientSignal: new AbortSwitch() };
    const loop = new AttemptLoop(ports.deps, { decision, policy: { ...configPolicy(config), backoffMs: () => 0 } }, inbound);
    const routed = await loop.run(async () => undefined);
    if (routed.ok) throw new Error('expected every attempt to fail');
    expect(routed.error).toBeInstanceOf(ApiError);
    expect((routed.error as ApiError).status).toBe(502);
    const { attempts } = routed.outcome;
    expect(attempts).toHaveLength(MAX_RECORDED_ATTEMPTS);
    for (const attempt of attempts) attemptRecordSchema.parse(attempt);
    const headers = chatAnswerHeaders('req-1', routed.outcome, 'application/json');
    expect(headers['x-roukey-attempts']).toBe(String(attempts.filter((a) => a.outcome === 'http_error').length));
  });

  it.each([
    ['the request was its own fault (a 400 from upstream)', 'fail-400', () => undefined],
    ['the client had left', 'hang', (client: AbortSwitch) => client.abort()],
  ])("gives a half-open breaker's trial back when its run ends without a verdict: %s", async (_case, mode, act) => {
    const ports = portDoubles();
    ports.providerKeys.set('k', { providerKeyId: 'pk_k', name: 'k', provider: 'openai', baseUrl: fake.baseUrl, apiKey: 'sk-x' });
    const clock = { t: 1_000_000 };
    const health = new TargetHealth({ now: () => clock.t, openMs: 30_000 });
    const deps = { ...ports.deps, routing: { ...ports.deps.routing, health } };
    const decision = directDecision(`k/${mode}`);
    const key = targetKey(PRINCIPAL.accountId, decision.targets[0]!);
    for (let i = 0; i < 3; i++) health.failed(key, 'server');
    clock.t += 30_000;
    const client = new AbortSwitch();
    const request = { body: { messages: [{ role: 'user', content: 'hi' }] }, model: `k/${mode}`, stream: false, includeUsage: false };
    const inbound = { caller: PRINCIPAL, request, headers: {}, receivedAt: Date.now(), clientSignal: client };
    // A config's policy: unhealthy targets are admitted one trial at a time.
    const policy = { ...configPolicy(routingConfigSchema.parse({ name: 'c', strategy: 'fallback', targets: [{ model: `k/${mode}` }] })), backoffMs: () => 0 };
    act(client);
    const routed = await new AttemptLoop(deps, { decision, policy }, inbound).run(async () => undefined);
    expect(routed.ok).toBe(false);
    expect(routed.outcome.attempts).toHaveLength(1);
    // The trial is free again for the next request, rather than held until the pause is over.
    expect(health.admit(key)).toEqual({ ok: true, probe: true });
  });
});
