import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { REQUEST_DURATION_CAP_MS } from '../../lambdas/gateway/deps.js';
import { ERROR_KINDS } from '../../lambdas/http/errors.js';
import { enabledRoutes, HANDLERS, handlersOf, type HandlerName } from '../../lambdas/handlers/routes.js';
import { OBJECT_EVENT_HANDLERS } from '../../lambdas/handlers/object-events.js';
import { EVENT_JOBS } from '../../lambdas/handlers/event-jobs.js';
import { JOBS } from '../../lambdas/handlers/jobs.js';
import { TRIGGERS } from '../../lambdas/handlers/triggers.js';
import { PROVIDER_KEY_PURPOSE } from '../../lambdas/crypto/encryption-context.js';
import { RETENTION } from '../../lambdas/store/retention.js';
import { ACCOUNTS_INDEX, REQUESTS_INDEX, TABLES, TABLE_NAMES, tableEnvVar, type TableName, type TableSpec } from '../../lambdas/store/tables.js';
import { MANAGEMENT_SCOPES } from '../../lambdas/auth/oauth-scopes.js';
import { ESM_REQUIRE_BANNER } from '../../lib/bundling.js';
import { GATEWAY_ERRORS, gatewayErrorTemplate } from '../../lib/gateway-responses.js';
import { RouKeyStack } from '../../lib/roukey-stack.js';
import { readStackConfig } from '../../lib/stack-config.js';
import { CDK_JSON_CONTEXT } from './synth-context.js';

/** CDK's own helper that uploads the dashboard's build (lib/web.ts), not a RouKey function. */
const CDK_HELPER = /^CustomCDKBucketDeployment/;

type Json = Record<string, any>;

// cdk.json turns on no optional feature (GitHub sign-in's routes are tested in test/infra/sign-in.test.ts).
const ROUTES = enabledRoutes({});
const DEPLOYED_HANDLERS = handlersOf(ROUTES);
type Statement = { Action: string | string[]; Resource: unknown; Condition?: Json; Effect: string };

// One synthesis as `cdk synth` does it (real esbuild bundling, CloudFormation's default rules), shared by every test
// in this file: it is the slow part.
const app = new App({ context: CDK_JSON_CONTEXT });
const stack = new RouKeyStack(app, 'RouKey');
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Json>;

const logicalId = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const ref = (construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function statementsOf(handler: HandlerName): Statement[] {
  const role = logicalId(stack.api.fn(handler).role as never);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: Json) => x.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}

const providerKeyArn = () => ref(stack.providerKeys.key as never);
const onProviderKey = (s: Statement) => JSON.stringify(s.Resource) === JSON.stringify(providerKeyArn());
const PROVIDER_KEY_CONDITION = {
  StringEquals: { 'kms:EncryptionContext:purpose': PROVIDER_KEY_PURPOSE },
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose', 'accountId', 'providerKeyId', 'endpoint'] },
};
// New ciphertexts must be bound to the endpoint their key may be sent to.
const WRAP_CONDITION = { ...PROVIDER_KEY_CONDITION, Null: { 'kms:EncryptionContext:endpoint': 'false' } };
/** Accounts' state keys (the Responses API's sealed ids) share the key under a purpose of their own. */
const STATE_KEY_CONDITION = {
  StringEquals: { 'kms:EncryptionContext:purpose': 'roukey-response-state' },
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['purpose', 'accountId'] },
  Null: { 'kms:EncryptionContext:accountId': 'false' },
};

describe('streaming router integration', () => {
  it('POST /v1/chat/completions streams through response-streaming-invocations with a 15-minute timeout', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: {
        Type: 'AWS_PROXY',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 15 * 60 * 1000,
        Uri: {
          'Fn::Join': ['', Match.arrayWith([':lambda:path/2021-11-15/functions/', ref(stack.api.fn('chat-completions')), '/response-streaming-invocations'])],
        },
      },
    });
    expect(resources[logicalId(stack.api.fn('chat-completions'))]!.Properties.Timeout).toBe(900);
  });

  it("the gateway's own request cap ends a request before the streaming Lambdas' timeout does, leaving time for its error event and record", () => {
    for (const name of Object.keys(HANDLERS) as HandlerName[]) {
      if (!HANDLERS[name].streaming) continue;
      const timeoutMs = resources[logicalId(stack.api.fn(name))]!.Properties.Timeout * 1000;
      expect(REQUEST_DURATION_CAP_MS).toBeLessThanOrEqual(timeoutMs - 60_000);
    }
  });

  it('only the streaming handler streams; every other route is a buffered Lambda proxy', () => {
    // CORS preflights (OPTIONS, answered by API Gateway itself for the dashboard's origin) are not routes.
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(ROUTES.length);
    const streamed = methods.filter((m) => m.Properties.Integration.ResponseTransferMode === 'STREAM');
    const streamingRoutes = ROUTES.filter((r) => HANDLERS[r.handler].streaming);
    expect(streamed).toHaveLength(streamingRoutes.length);
    for (const m of methods) expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
  });

  it('cognito routes require the access-token scope; the others have no API Gateway authorizer', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const cognito = methods.filter((m) => m.Properties.AuthorizationType === 'COGNITO_USER_POOLS');
    expect(cognito).toHaveLength(ROUTES.filter((r) => r.auth === 'cognito').length);
    for (const m of cognito) expect(m.Properties.AuthorizationScopes).toEqual([...MANAGEMENT_SCOPES]);
  });
});

describe('tables', () => {
  const tableProps = (name: (typeof TABLE_NAMES)[number]) => resources[logicalId(stack.data.tables[name])]!;

  it.each(TABLE_NAMES)('%s: pk/sk strings, on-demand, PITR, SSE with the table CMK, retained', (name) => {
    const table = tableProps(name);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: RETENTION.pointInTimeRecoveryDays },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: ref(stack.data.tableKey) },
    });
  });

  it.each(TABLE_NAMES)('P9-P12: %s has a TTL attribute exactly when its spec has one', (name) => {
    const spec: TableSpec = TABLES[name];
    const ttl = tableProps(name).Properties.TimeToLiveSpecification;
    if (spec.ttlAttribute) expect(ttl).toEqual({ AttributeName: spec.ttlAttribute, Enabled: true });
    else expect(ttl).toBeUndefined();
  });

  it('indexes follow the specs: the accounts listing index is sparse and keys-only', () => {
    for (const name of TABLE_NAMES) {
      const spec: TableSpec = TABLES[name];
      const indexes = (tableProps(name).Properties.GlobalSecondaryIndexes ?? []) as Json[];
      expect(indexes.map((i) => [i.IndexName, i.KeySchema.map((k: Json) => k.AttributeName), i.Projection.ProjectionType])).toEqual(
        (spec.indexes ?? []).map((i) => [i.name, [i.pk, i.sk], i.projection]),
      );
    }
    expect(TABLES.accounts.indexes).toEqual([{ name: 'accounts-by-created', pk: 'listPk', sk: 'createdAt', projection: 'KEYS_ONLY' }]);
  });

  it('streams and deletion protection follow the specs', () => {
    for (const name of TABLE_NAMES) {
      const spec: TableSpec = TABLES[name];
      const props = tableProps(name).Properties;
      expect(props.StreamSpecification?.StreamViewType).toBe(spec.stream);
      expect(props.DeletionProtectionEnabled ?? false).toBe(spec.deletionProtection ?? false);
    }
  });

  it('P2: the table key, the provider-key key and the exports key are different rotating CMKs', () => {
    const keys = template.findResources('AWS::KMS::Key');
    expect(Object.keys(keys).sort()).toEqual([logicalId(stack.data.tableKey), logicalId(stack.providerKeys.key), logicalId(stack.exports.key)].sort());
    for (const key of Object.values(keys)) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('functions', () => {
  const allFunctions = Object.entries(template.findResources('AWS::Lambda::Function'));
  const functions = allFunctions.filter(([id]) => !CDK_HELPER.test(id)).map(([, fn]) => fn);

  it('one function per handler, per Cognito trigger, per S3 event handler and per job, each ARM64 on Node.js 24 with JSON logs and source maps', () => {
    // Besides RouKey's own, CDK's helper that uploads the dashboard (lib/web.ts).
    expect(allFunctions.filter(([id]) => CDK_HELPER.test(id))).toHaveLength(1);
    expect(functions).toHaveLength(
      DEPLOYED_HANDLERS.length +
        Object.keys(TRIGGERS).length +
        Object.keys(OBJECT_EVENT_HANDLERS).length +
        Object.keys(JOBS).length +
        Object.keys(EVENT_JOBS).length,
    );
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('P11: every function log group and the access log group keep logs for the error-log window', () => {
    // The audit trail's group keeps its own window (test/infra/observability.test.ts).
    const audit = logicalId(stack.observability.auditLogs);
    const groups = Object.fromEntries(Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([id]) => id !== audit));
    expect(Object.keys(groups)).toHaveLength(allFunctions.length + 1);
    for (const g of Object.values(groups)) expect(g.Properties.RetentionInDays).toBe(RETENTION.errorLogDays);
    for (const [, fn] of allFunctions) expect(groups[fn.Properties.LoggingConfig.LogGroup.Ref]).toBeDefined();
  });

  it('every API function gets the table names, key ARN and Cognito ids its config loader requires', () => {
    for (const fn of Object.values(stack.api.functions).map((f) => resources[logicalId(f)]!)) {
      const vars = fn.Properties.Environment.Variables;
      for (const t of TABLE_NAMES) expect(vars[tableEnvVar(t)]).toEqual({ Ref: logicalId(stack.data.tables[t]) });
      expect(vars.KMS_KEY_ID).toEqual(providerKeyArn());
      expect(vars.COGNITO_USER_POOL_ID).toBeDefined();
      expect(vars.COGNITO_CLIENT_ID).toBeDefined();
    }
  });

  it('bundles ESM with the createRequire banner and a source map', () => {
    const fn = resources[logicalId(stack.api.fn('chat-completions'))]!;
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'RouKey.assets.json'), 'utf8'));
    const dir = join(app.outdir, manifest.files[hash].source.path);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    // ESM: the handler is an `export`, not a CommonJS `module.exports` property.
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b/);
  });
});

describe('least privilege', () => {
  it('P2: the router never deletes or scans, and decrypts provider keys only under the encryption-context condition', () => {
    const statements = statementsOf('chat-completions');
    const all = statements.flatMap(actions);
    expect(all).not.toContain('dynamodb:DeleteItem');
    expect(all).not.toContain('dynamodb:Scan');
    expect([...new Set(all.filter((a) => a.startsWith('dynamodb:')))].sort()).toEqual(
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'].sort(),
    );
    const decrypt = statements.filter(onProviderKey);
    expect(decrypt).toHaveLength(1);
    expect(actions(decrypt[0]!)).toEqual(['kms:Decrypt']);
    expect(decrypt[0]!.Condition).toEqual(PROVIDER_KEY_CONDITION);
    // PutItem only on activity; UpdateItem on accounts (last use), activity (security events) and limits (leases and
    // shared target health, read with a Query).
    const put = statements.find((s) => actions(s).includes('dynamodb:PutItem'))!;
    expect(put.Resource).toEqual(ref(stack.data.tables.activity));
    const updated = statements.filter((s) => actions(s).includes('dynamodb:UpdateItem')).map((s) => s.Resource);
    expect(updated).toHaveLength(3);
    expect(updated).toEqual(expect.arrayContaining([ref(stack.data.tables.accounts), ref(stack.data.tables.activity), ref(stack.data.tables.limits)]));
    const onLimits = statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(ref(stack.data.tables.limits)));
    expect(onLimits.flatMap(actions).sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
  });

  it('P2: provider-keys may only wrap (GenerateDataKey under the condition, endpoint bound), never decrypt a provider key', () => {
    const onKey = statementsOf('provider-keys').filter(onProviderKey);
    expect(onKey).toHaveLength(1);
    expect(actions(onKey[0]!)).toEqual(['kms:GenerateDataKey']);
    expect(onKey[0]!.Condition).toEqual(WRAP_CONDITION);
  });

  it('P2: no statement anywhere touches the provider-key key without the condition', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]).filter(onProviderKey);
    expect(statements.length).toBeGreaterThan(0);
    const stateKeys = statements.filter((s) => JSON.stringify(s.Condition).includes('roukey-response-state'));
    for (const s of statements.filter((x) => !stateKeys.includes(x))) {
      expect(s.Condition).toEqual(actions(s).includes('kms:GenerateDataKey') ? WRAP_CONDITION : PROVIDER_KEY_CONDITION);
    }
    // Only the Responses handler makes and opens state keys, and under their own purpose only.
    expect(stateKeys.map((s) => [s.Condition, actions(s)])).toEqual([[STATE_KEY_CONDITION, ['kms:Decrypt', 'kms:GenerateDataKey']]]);
    expect(statementsOf('responses').filter(onProviderKey)).toHaveLength(2);
  });

  it('models reads accounts; api-keys has no KMS provider-key access; auth-config can only write its logs', () => {
    expect(statementsOf('models').flatMap(actions)).not.toContain('dynamodb:PutItem');
    expect(statementsOf('api-keys').filter(onProviderKey)).toEqual([]);
    expect(statementsOf('auth-config').flatMap(actions)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  });

  it('P6: configs and roles read and write the accounts table only (its KMS key, no provider-key key); of activity they may only record security events', () => {
    for (const handler of ['configs', 'roles'] as const) {
      const statements = statementsOf(handler);
      expect(statements.filter(onProviderKey)).toEqual([]);
      const onTable = (t: string) =>
        statements.filter(
          (s) => actions(s).some((a) => a.startsWith('dynamodb:')) && JSON.stringify(s.Resource).includes(`"${logicalId(stack.data.tables[t as TableName])}"`),
        );
      for (const t of TABLE_NAMES) expect({ t, granted: onTable(t).length > 0 }).toEqual({ t, granted: t === 'accounts' || t === 'activity' });
      expect(onTable('activity').flatMap(actions)).toEqual(['dynamodb:UpdateItem']);
    }
  });

  it('P23: every Cognito-authorised function reads the user pool only to learn an account’s email; only invitations create users, only sign-out signs out, only security events read sign-in events', () => {
    const pool = ref(stack.auth.userPool as never);
    for (const handler of DEPLOYED_HANDLERS) {
      const onPool = statementsOf(handler).filter((s) => actions(s).some((a) => a.startsWith('cognito-idp:')));
      const cognitoRoute = ROUTES.some((r) => r.handler === handler && r.auth === 'cognito');
      const expected = !cognitoRoute
        ? []
        : handler === 'admin-invitations'
          ? ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser']
          : handler === 'sign-out'
            ? ['cognito-idp:AdminGetUser', 'cognito-idp:AdminUserGlobalSignOut']
            : handler === 'security-events'
              ? ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListUserAuthEvents']
              : ['cognito-idp:AdminGetUser'];
      expect({ handler, actions: onPool.flatMap(actions).sort() }).toEqual({ handler, actions: expected });
      for (const s of onPool) expect(s.Resource).toEqual(pool);
    }
  });

  it('only the admin listing may query the accounts index, and only the request log the request-id index', () => {
    for (const handler of DEPLOYED_HANDLERS) {
      const on = (index: string) => statementsOf(handler).some((s) => JSON.stringify(s.Resource).includes(`/index/${index}`));
      expect({ handler, accounts: on(ACCOUNTS_INDEX), requests: on(REQUESTS_INDEX) }).toEqual({
        handler,
        accounts: handler === 'admin-accounts',
        requests: handler === 'requests',
      });
    }
  });

  it("no role of RouKey's carries an AWS-managed policy (the dashboard upload helper of CDK has basic execution, acknowledged)", () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role'));
    for (const [, role] of roles.filter(([id]) => !CDK_HELPER.test(id))) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(roles.filter(([id]) => CDK_HELPER.test(id))).toHaveLength(1);
  });
});

describe('API Gateway', () => {
  it.each(GATEWAY_ERRORS.map((e) => [e.type.responseType, e] as const))('%s answers in OpenAI error shape', (type, error) => {
    const body = gatewayErrorTemplate(error);
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      ResponseTemplates: { 'application/json': body },
      ...(error.overrideStatus ? { StatusCode: String(ERROR_KINDS[error.kind].status) } : {}),
    });
    // API Gateway substitutes $context.error.messageString with a quoted JSON string.
    const parsed = JSON.parse(body.replace('$context.error.messageString', '"Unauthorized"'));
    expect(parsed).toEqual({
      error: { message: expect.any(String), type: ERROR_KINDS[error.kind].type, param: null, code: error.kind },
    });
  });

  it('covers the responses a client can hit before a Lambda runs', () => {
    const types = GATEWAY_ERRORS.map((e) => e.type.responseType);
    for (const t of ['UNAUTHORIZED', 'ACCESS_DENIED', 'REQUEST_TOO_LARGE', 'THROTTLED', 'WAF_FILTERED', 'DEFAULT_4XX', 'DEFAULT_5XX'])
      expect(types).toContain(t);
  });

  it('P7: the stage throttles and access-logs metadata without source IPs or bodies, and is not traced', () => {
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.TracingEnabled).toBe(false);
    const format: string = stage.Properties.AccessLogSetting.Format;
    expect(format).toContain('$context.requestId');
    expect(format).not.toContain('sourceIp');
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([expect.objectContaining({ DataTraceEnabled: false, ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 })]),
    );
  });
});

describe('Cognito', () => {
  it('P8/P16: email sign-in, strong passwords, optional TOTP MFA, enforced threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true, RequireUppercase: true }) },
    });
  });

  it('the app client is public and allows password, SRP and refresh flows', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
  });
});

describe('stack context', () => {
  it('rejects invalid throttling context with the key name', () => {
    const scope = new Stack(new App({ context: { 'roukey:throttleRateLimit': 'lots' } }), 'Bad');
    expect(() => readStackConfig(scope)).toThrow(/roukey:throttleRateLimit/);
  });

  it('accepts string numbers as `cdk -c` passes them', () => {
    const scope = new Stack(new App({ context: { 'roukey:throttleBurstLimit': '50' } }), 'Ok');
    expect(readStackConfig(scope)).toMatchObject({ throttleRateLimit: 100, throttleBurstLimit: 50 });
  });

  it('P15: a bad plan override fails synth naming the key and the path of the field', () => {
    const app = new App({ context: { 'roukey:plans': { starter: { requestsPerMonth: -5, strategies: ['fallback', 'fastest'] } } } });
    expect(() => new RouKeyStack(app, 'BadPlans')).toThrow(
      /roukey:plans\.starter\.requestsPerMonth: must be a positive integer.*roukey:plans\.starter\.strategies\.1: must be one of/,
    );
  });

  it('P15: an unknown plan or limit name in roukey:plans is refused, as is an unknown default plan', () => {
    const config = (context: Record<string, unknown>) => readStackConfig(new Stack(new App({ context }), 'S'));
    expect(() => config({ 'roukey:plans': { gold: {} } })).toThrow(/roukey:plans/);
    expect(() => config({ 'roukey:plans': { free: { requestsPerHour: 5 } } })).toThrow(/roukey:plans\.free/);
    expect(() => config({ 'roukey:defaultPlan': 'gold' })).toThrow(/roukey:defaultPlan: must be one of: free, starter, professional, enterprise/);
  });

  it('P15: plan overrides given as JSON text (`cdk deploy -c`) reach every function as the same catalog', () => {
    const app = new App({ context: { 'roukey:plans': '{"free":{"requestsPerMonth":50000}}', 'roukey:defaultPlan': 'starter' } });
    const plansStack = new RouKeyStack(app, 'Plans');
    const functions = Object.values(Template.fromStack(plansStack).findResources('AWS::Lambda::Function'));
    const routerEnv = functions.map((f) => f.Properties.Environment?.Variables).filter((v) => v?.ROUKEY_PLANS !== undefined);
    expect(routerEnv.length).toBeGreaterThan(0);
    for (const env of routerEnv) {
      expect(JSON.parse(env.ROUKEY_PLANS)).toEqual({ free: { requestsPerMonth: 50000 } });
      expect(env.ROUKEY_DEFAULT_PLAN).toBe('starter');
    }
  });
});
