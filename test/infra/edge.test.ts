import { App, Stack } from 'aws-cdk-lib';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { enabledRoutes, HANDLERS, handlersOf, MAX_REQUEST_BYTES, ROUTES, type HandlerName, type Route } from '../../lambdas/handlers/routes.js';
import { ERROR_KINDS } from '../../lambdas/http/errors.js';
import { Edge, MANAGED_RULE_GROUPS, RATE_WINDOW_SECONDS, bodyRoutes } from '../../lib/edge.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { loadRuntimeConfig } from '../../lambdas/runtime-config.js';
import { TABLE_NAMES, tableEnvVar } from '../../lambdas/store/tables.js';
import { resourcesOnly } from './synth-context.js';

type Json = Record<string, any>;

function synth(context: Record<string, unknown> = {}) {
  const stack = new RouKeyStack(new App(resourcesOnly(context)), 'RouKey');
  return { stack, template: Template.fromStack(stack), resources: Template.fromStack(stack).toJSON().Resources as Record<string, Json> };
}

const byDefault = synth();
const tuned = synth({ 'roukey:wafRateLimit': '500', 'roukey:tracing': 'true', 'roukey:routerConcurrency': 40, 'roukey:maxAnswerMiB': '8' });
const wafOff = synth({ 'roukey:waf': false });

const ofType = (resources: Record<string, Json>, type: string) => Object.values(resources).filter((r) => r.Type === type);
const webAclOf = (resources: Record<string, Json>) => ofType(resources, 'AWS::WAFv2::WebACL')[0]!.Properties as Json;

// ---------------------------------------------------------------------------------------------------------------
// A small evaluator of WAF statements over what a request's method, path and body size decide. Anything it cannot
// decide from those (headers, body content, managed rules) is 'unknown', i.e. may match.

interface Request {
  readonly method: string;
  readonly uriPath: string;
  readonly bodyBytes: number;
}

type Outcome = 'match' | 'no-match' | 'unknown';

function field(fieldToMatch: Json, request: Request): string | undefined {
  if (fieldToMatch.Method) return request.method;
  if (fieldToMatch.UriPath) return request.uriPath;
  return undefined;
}

function evaluate(statement: Json, request: Request): Outcome {
  if (statement.AndStatement) {
    const outcomes = (statement.AndStatement.Statements as Json[]).map((s) => evaluate(s, request));
    return outcomes.includes('no-match') ? 'no-match' : outcomes.every((o) => o === 'match') ? 'match' : 'unknown';
  }
  if (statement.OrStatement) {
    const outcomes = (statement.OrStatement.Statements as Json[]).map((s) => evaluate(s, request));
    return outcomes.includes('match') ? 'match' : outcomes.every((o) => o === 'no-match') ? 'no-match' : 'unknown';
  }
  if (statement.NotStatement) {
    const inner = evaluate(statement.NotStatement.Statement, request);
    return inner === 'match' ? 'no-match' : inner === 'no-match' ? 'match' : 'unknown';
  }
  const match = statement.ByteMatchStatement ?? statement.RegexMatchStatement;
  if (match) {
    if (match.TextTransformations.some((t: Json) => t.Type !== 'NONE')) return 'unknown';
    const value = field(match.FieldToMatch, request);
    if (value === undefined) return 'unknown';
    const hit = statement.RegexMatchStatement
      ? new RegExp(match.RegexString).test(value)
      : {
          EXACTLY: value === match.SearchString,
          ENDS_WITH: value.endsWith(match.SearchString),
          STARTS_WITH: value.startsWith(match.SearchString),
          CONTAINS: value.includes(match.SearchString),
        }[match.PositionalConstraint as string];
    if (hit === undefined) return 'unknown';
    return hit ? 'match' : 'no-match';
  }
  const size = statement.SizeConstraintStatement;
  if (size?.FieldToMatch.Body) {
    const compare = {
      GT: (a: number, b: number) => a > b,
      GE: (a: number, b: number) => a >= b,
      LT: (a: number, b: number) => a < b,
      LE: (a: number, b: number) => a <= b,
    };
    const op = compare[size.ComparisonOperator as keyof typeof compare];
    return op ? (op(request.bodyBytes, size.Size) ? 'match' : 'no-match') : 'unknown';
  }
  return 'unknown';
}

/** The rules that could block `request` (one request: a rate-based rule blocks only past its rate, whatever the body). */
function rulesThatCouldBlock(webAcl: Json, request: Request): string[] {
  return (webAcl.Rules as Json[])
    .filter((rule) => {
      const s = rule.Statement;
      if (s.RateBasedStatement)
        return s.RateBasedStatement.ScopeDownStatement && JSON.stringify(s.RateBasedStatement.ScopeDownStatement).match(/"(Body|JsonBody)"/);
      if (s.ManagedRuleGroupStatement) {
        if (rule.OverrideAction?.Count) return false;
        const scope = s.ManagedRuleGroupStatement.ScopeDownStatement;
        return !scope || evaluate(scope, request) !== 'no-match';
      }
      if (rule.Action?.Count || rule.Action?.Allow) return false;
      return evaluate(s, request) !== 'no-match';
    })
    .map((rule) => rule.Name as string);
}

/** The path a caller sends for a route: `{param}` filled in, behind the stage name or not (a custom domain). */
function requestPath(route: Route, stagePrefix: string): string {
  return `${stagePrefix}${route.path.replace(/\{[^}]+\}/g, 'x1')}`;
}

const ONE_MB = 1024 * 1024;

describe('WAF on the API stage (P7: per-IP limits at the edge)', () => {
  it('is on by default: one web ACL, associated with the prod stage of the REST API', () => {
    expect(ofType(byDefault.resources, 'AWS::WAFv2::WebACL')).toHaveLength(1);
    const [association] = ofType(byDefault.resources, 'AWS::WAFv2::WebACLAssociation');
    const stage = byDefault.stack.getLogicalId(byDefault.stack.api.restApi.deploymentStage.node.defaultChild as never);
    const api = byDefault.stack.getLogicalId(byDefault.stack.api.restApi.node.defaultChild as never);
    const arn = JSON.stringify(association!.Properties.ResourceArn);
    expect(arn).toContain(`{"Ref":"${api}"},"/stages/",{"Ref":"${stage}"}`);
    expect(association!.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [byDefault.stack.getLogicalId(byDefault.stack.edge!.webAcl), 'Arn'] });
    expect(webAclOf(byDefault.resources)).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
  });

  it('rules in order: a per-IP rate limit (2,000 per 5 minutes by default), the common rule set, known bad inputs', () => {
    const rules = webAclOf(byDefault.resources).Rules as Json[];
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'PerIpRateLimit'],
      [1, 'AWSManagedRulesCommonRuleSet'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    expect(rules[0]!.Statement).toEqual({ RateBasedStatement: { AggregateKeyType: 'IP', Limit: 2000, EvaluationWindowSec: RATE_WINDOW_SECONDS } });
    for (const [i, name] of MANAGED_RULE_GROUPS.entries()) {
      expect(rules[i + 1]!.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: name });
      expect(rules[i + 1]!.OverrideAction).toEqual({ None: {} });
    }
  });

  it('a caller over the limit gets 429 with an OpenAI-shaped rate_limit_exceeded body', () => {
    const acl = webAclOf(byDefault.resources);
    const block = (acl.Rules as Json[])[0]!.Action.Block.CustomResponse;
    expect(block.ResponseCode).toBe(429);
    const body = acl.CustomResponseBodies[block.CustomResponseBodyKey];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual({
      error: { message: expect.stringContaining('IP address'), type: ERROR_KINDS.rate_limited.type, param: null, code: 'rate_limit_exceeded' },
    });
  });

  it('roukey:wafRateLimit sets the limit; a value WAF refuses fails synth naming the key', () => {
    expect((webAclOf(tuned.resources).Rules as Json[])[0]!.Statement.RateBasedStatement.Limit).toBe(500);
    const config = (value: unknown) => () => readStackConfig(new Stack(new App({ context: { 'roukey:wafRateLimit': value } }), 'S'));
    expect(config(5)).toThrow(/roukey:wafRateLimit: must be at least 10/);
    expect(config('lots')).toThrow(/roukey:wafRateLimit/);
    expect(config(2.5)).toThrow(/roukey:wafRateLimit/);
  });

  it('roukey:waf=false leaves no web ACL and no association', () => {
    expect(ofType(wafOff.resources, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(ofType(wafOff.resources, 'AWS::WAFv2::WebACLAssociation')).toEqual([]);
    expect(wafOff.stack.edge).toBeUndefined();
    expect(() => readStackConfig(new Stack(new App({ context: { 'roukey:waf': 'no' } }), 'S'))).toThrow(/roukey:waf: must be true or false/);
  });

  it('P7: keeps no sampled requests and no WAF logs (they would hold callers’ IPs); only per-rule counts', () => {
    const acl = webAclOf(byDefault.resources);
    for (const config of [acl.VisibilityConfig, ...(acl.Rules as Json[]).map((r) => r.VisibilityConfig)]) {
      expect(config).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    }
    expect(ofType(byDefault.resources, 'AWS::WAFv2::LoggingConfiguration')).toEqual([]);
  });
});

describe('bodies are never blocked by the WAF', () => {
  const acl = webAclOf(byDefault.resources);

  it('every route that takes a body is one of the exempt routes, chat and messages among them', () => {
    const exempt = bodyRoutes().map((r) => `${r.method} ${r.path}`);
    expect(exempt).toEqual(expect.arrayContaining(['POST /v1/chat/completions', 'POST /v1/messages']));
    for (const route of ROUTES.filter((r) => r.method !== 'GET' && r.method !== 'DELETE')) expect(exempt).toContain(`${route.method} ${route.path}`);
    expect(exempt.every((e) => !e.startsWith('GET') && !e.startsWith('DELETE'))).toBe(true);
  });

  it.each(bodyRoutes().map((r) => [`${r.method} ${r.path}`, r] as const))('a 1 MB body to %s is blocked by no rule', (_name, route) => {
    for (const prefix of ['/prod', '']) {
      for (const uriPath of [requestPath(route, prefix), `${requestPath(route, prefix)}/`]) {
        expect({ uriPath, blockers: rulesThatCouldBlock(acl, { method: route.method, uriPath, bodyBytes: ONE_MB }) }).toEqual({ uriPath, blockers: [] });
      }
    }
  });

  it('the check can fail: a rule like the common set’s SizeRestrictions_BODY, unscoped, would block the 1 MB body', () => {
    const sizeRule = {
      Name: 'SizeRestrictions_BODY',
      Action: { Block: {} },
      Statement: {
        SizeConstraintStatement: {
          FieldToMatch: { Body: { OversizeHandling: 'MATCH' } },
          ComparisonOperator: 'GT',
          Size: 8192,
          TextTransformations: [{ Priority: 0, Type: 'NONE' }],
        },
      },
    };
    const withSizeRule = { ...acl, Rules: [...(acl.Rules as Json[]), sizeRule] };
    expect(rulesThatCouldBlock(withSizeRule, { method: 'POST', uriPath: '/prod/v1/chat/completions', bodyBytes: ONE_MB })).toEqual(['SizeRestrictions_BODY']);
    expect(rulesThatCouldBlock(withSizeRule, { method: 'POST', uriPath: '/prod/v1/chat/completions', bodyBytes: 100 })).toEqual([]);
    const unscoped = {
      ...acl,
      Rules: (acl.Rules as Json[]).map((r) => ({
        ...r,
        Statement: r.Statement.ManagedRuleGroupStatement ? { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: r.Name } } : r.Statement,
      })),
    };
    expect(rulesThatCouldBlock(unscoped, { method: 'POST', uriPath: '/prod/v1/chat/completions', bodyBytes: ONE_MB })).toEqual([...MANAGED_RULE_GROUPS]);
  });

  it('the same holds at the 10 MB API Gateway limit', () => {
    expect(rulesThatCouldBlock(acl, { method: 'POST', uriPath: '/prod/v1/chat/completions', bodyBytes: MAX_REQUEST_BYTES })).toEqual([]);
  });

  it('the managed groups still see everything else: reads, deletes, other methods and unknown paths', () => {
    const groups = [...MANAGED_RULE_GROUPS];
    expect(rulesThatCouldBlock(acl, { method: 'GET', uriPath: '/prod/v1/models', bodyBytes: 0 })).toEqual(groups);
    expect(rulesThatCouldBlock(acl, { method: 'GET', uriPath: '/prod/v1/chat/completions', bodyBytes: 0 })).toEqual(groups);
    expect(rulesThatCouldBlock(acl, { method: 'DELETE', uriPath: '/prod/v1/roles/x1', bodyBytes: 0 })).toEqual(groups);
    expect(rulesThatCouldBlock(acl, { method: 'POST', uriPath: '/prod/v1/chat/completions/extra', bodyBytes: ONE_MB })).toEqual(groups);
    expect(rulesThatCouldBlock(acl, { method: 'POST', uriPath: '/prod/wp-login.php', bodyBytes: 10 })).toEqual(groups);
  });

  it('routes added to the route table later are covered without touching the WAF (embeddings, responses, count_tokens)', () => {
    const future: Route[] = [
      { method: 'POST', path: '/v1/embeddings', handler: 'chat-completions', auth: 'apiKey' },
      { method: 'POST', path: '/v1/responses', handler: 'chat-completions', auth: 'apiKey' },
      { method: 'POST', path: '/v1/responses/{id}/cancel', handler: 'chat-completions', auth: 'apiKey' },
      { method: 'POST', path: '/v1/messages/count_tokens', handler: 'messages', auth: 'apiKey' },
    ];
    const stack = new Stack(new App(), 'Future');
    const api = new RestApi(stack, 'Api');
    api.root.addMethod('GET');
    new Edge(stack, 'Edge', { stage: api.deploymentStage, rateLimit: 2000, routes: [...ROUTES, ...future] });
    const futureAcl = webAclOf(Template.fromStack(stack).toJSON().Resources);
    for (const route of future) expect(rulesThatCouldBlock(futureAcl, { method: 'POST', uriPath: requestPath(route, '/prod'), bodyBytes: ONE_MB })).toEqual([]);
    // And the shipped table exempts only what it routes: a path it does not serve stays under the groups.
    expect(rulesThatCouldBlock(acl, { method: 'POST', uriPath: '/prod/v1/responses/x/cancel', bodyBytes: ONE_MB })).toEqual([...MANAGED_RULE_GROUPS]);
  });
});

describe('tracing (P7)', () => {
  const stageOf = (resources: Record<string, Json>) => ofType(resources, 'AWS::ApiGateway::Stage')[0]!.Properties;

  it('P7: X-Ray tracing is off by default (its traces keep client IPs for 30 days) and on with roukey:tracing', () => {
    expect(stageOf(byDefault.resources).TracingEnabled).toBe(false);
    expect(stageOf(tuned.resources).TracingEnabled).toBe(true);
  });

  it('P7: no function starts traces of its own, either way', () => {
    for (const { resources } of [byDefault, tuned]) {
      for (const fn of ofType(resources, 'AWS::Lambda::Function')) expect(fn.Properties.TracingConfig?.Mode).not.toBe('Active');
    }
  });
});

describe('router concurrency (roukey:routerConcurrency)', () => {
  const reserved = ({ stack, resources }: ReturnType<typeof synth>, name: HandlerName) =>
    resources[stack.getLogicalId(stack.api.fn(name).node.defaultChild as never)]!.Properties.ReservedConcurrentExecutions;
  const names = handlersOf(enabledRoutes({}));

  it('reserves nothing by default', () => {
    for (const name of names) expect(reserved(byDefault, name)).toBeUndefined();
  });

  it('reserves (and caps) the given concurrency for each router function, and only for them', () => {
    for (const name of names) expect({ name, reserved: reserved(tuned, name) }).toEqual({ name, reserved: HANDLERS[name].streaming ? 40 : undefined });
    expect(names.filter((n) => HANDLERS[n].streaming)).toEqual(expect.arrayContaining(['chat-completions', 'messages']));
  });

  it.each([0, -3, 1.5, 'many', true, ''])('refuses %j at synth, naming the key', (value) => {
    expect(() => readStackConfig(new Stack(new App({ context: { 'roukey:routerConcurrency': value } }), 'S'))).toThrow(/roukey:routerConcurrency: must be a/);
  });
});

describe('the upstream answer cap (roukey:maxAnswerMiB)', () => {
  const capOf = ({ stack, resources }: ReturnType<typeof synth>, name: HandlerName) =>
    resources[stack.getLogicalId(stack.api.fn(name).node.defaultChild as never)]!.Properties.Environment.Variables.ROUKEY_MAX_ANSWER_MIB;

  it("reaches the router functions: 32 MiB by default, the operator's figure when set", () => {
    expect(capOf(byDefault, 'chat-completions')).toBe('32');
    expect(capOf(tuned, 'chat-completions')).toBe('8');
    expect(capOf(tuned, 'messages')).toBe('8');
  });

  it('the router reads it as its answer bound', () => {
    const env = { ...Object.fromEntries(TABLE_NAMES.map((t) => [tableEnvVar(t), t])), LOCAL_KEYRING_FILE: 'k' };
    expect(loadRuntimeConfig({ ...env, ROUKEY_MAX_ANSWER_MIB: '8' }).maxAnswerBytes).toBe(8 * 1024 * 1024);
    expect(loadRuntimeConfig(env).maxAnswerBytes).toBe(32 * 1024 * 1024);
  });

  it.each([0, 257, 1.5, 'huge'])('refuses %j at synth, naming the key', (value) => {
    expect(() => readStackConfig(new Stack(new App({ context: { 'roukey:maxAnswerMiB': value } }), 'S'))).toThrow(/roukey:maxAnswerMiB: must be/);
  });
});
