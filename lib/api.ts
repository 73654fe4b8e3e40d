import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseTransferMode,
  RestApi,
  type GatewayResponse,
  type Method,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AdminMfaMode } from '../lambdas/auth/admin-mfa.js';
import { MANAGEMENT_SCOPES } from '../lambdas/auth/oauth-scopes.js';
import { dashboardRoutes, enabledRoutes, HANDLERS, handlersOf, type HandlerName, type Route, type RouteFeatures } from '../lambdas/handlers/routes.js';
import { planEnvironment, type PlanId, type PlanOverrides } from '../lambdas/plans/catalog.js';
import { RETENTION } from '../lambdas/store/retention.js';
import { TABLE_NAMES, tableEnvVar, type TableName } from '../lambdas/store/tables.js';
import type { Auth } from './auth.js';
import type { Avatars } from './avatars.js';
import type { Events } from './events.js';
import type { Exports } from './exports.js';
import type { RouKeyTable } from './data.js';
import { RouKeyFunction } from './function.js';
import { addOpenAIGatewayResponses, allowGatewayResponsesOrigin } from './gateway-responses.js';
import { apiBaseUrl } from './github-oidc.js';
import type { ProviderKeyKey } from './keys.js';
import { retentionDays } from './log-retention.js';
import { GRANTS } from './api-grants.js';

/** API Gateway's hard limit for a streamed response, and Lambda's longest run. */
const STREAM_TIMEOUT = Duration.minutes(15);

/** The API's one stage. */
export const API_STAGE = 'prod';

export interface ApiProps {
  readonly tables: Readonly<Record<TableName, RouKeyTable>>;
  readonly providerKeys: ProviderKeyKey;
  readonly auth: Auth;
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Whether the router may call Bedrock (context `roukey:enableBedrock`). */
  readonly enableBedrock?: boolean;
  /** The operator's plan catalog changes and the plan new accounts start on (`roukey:plans`, `roukey:defaultPlan`). */
  readonly plans: { readonly overrides: PlanOverrides; readonly defaultPlan: PlanId };
  /** X-Ray tracing of the stage (`roukey:tracing`); its traces record callers' IPs, so it is off unless asked for (P7). */
  readonly tracing: boolean;
  /** Reserved concurrency of each router function (`roukey:routerConcurrency`); unset, none is reserved. */
  readonly routerConcurrency?: number;
  /** `roukey:adminMfa`: whether admin routes ask for a TOTP-protected sign-in. */
  readonly adminMfa: AdminMfaMode;
  /** `roukey:maxAnswerMiB`: the largest non-streamed upstream answer the router reads. */
  readonly maxAnswerMiB: number;
  /** Routes that exist only when configured (`githubSignIn`: the GitHub OIDC provider). */
  readonly features: RouteFeatures;
  /** The profile pictures bucket (lib/avatars.ts). */
  readonly avatars: Avatars;
  /** The data exports bucket (lib/exports.ts). */
  readonly exports: Exports;
  /** RouKey's own event bus (lib/events.ts), for the handlers that start jobs. */
  readonly events: Events;
}

/** The REST API: one function per handler, one method per route in ROUTES, errors in OpenAI's shape. */
export class Api extends Construct {
  readonly restApi: RestApi;
  /** One function per handler with at least one enabled route. */
  readonly functions: Readonly<Partial<Record<HandlerName, RouKeyFunction>>>;
  /** `https://<api id>.execute-api.<region>.<suffix>/prod`, usable by the functions themselves (it names no stage resource). */
  readonly baseUrl: string;
  /** What every function reads at cold start (lambdas/runtime-config.ts), for functions outside the API such as jobs. */
  readonly environment: Readonly<Record<string, string>>;
  /** The stage's JSON access logs (metadata only), which the saved queries read (lib/observability.ts). */
  readonly accessLogs: LogGroup;
  private readonly gatewayResponses: GatewayResponse[];
  private readonly routes: readonly Route[];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const accessLogs = (this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: retentionDays(RETENTION.errorLogDays),
      removalPolicy: RemovalPolicy.DESTROY,
    }));
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: 'RouKey',
      description: 'RouKey OpenAI-compatible gateway and management API',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // The account-wide CloudWatch role is a per-Region singleton; a customer's stack must not overwrite theirs.
      cloudWatchRole: false,
      deployOptions: {
        stageName: API_STAGE,
        // The functions keep Lambda's default (PassThrough): they join only traces that a traced stage started.
        tracingEnabled: props.tracing,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        loggingLevel: MethodLoggingLevel.OFF,
        // Never log bodies (P1).
        dataTraceEnabled: false,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
      },
    });
    this.gatewayResponses = addOpenAIGatewayResponses(this.restApi);
    acknowledgeApiFindings(this.restApi, props.tracing);

    this.baseUrl = apiBaseUrl(this.restApi.restApiId, API_STAGE);

    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.auth.userPool] });
    const environment = runtimeEnvironment(props);
    this.environment = environment;
    const routes = enabledRoutes(props.features);
    this.routes = routes;
    this.functions = Object.fromEntries(
      handlersOf(routes).map((name) => {
        // The streaming handlers are the router: each holds a connection (and a unit of concurrency) for a whole answer.
        const streaming = HANDLERS[name].streaming;
        const fn = new RouKeyFunction(this, functionId(name), {
          handler: name,
          timeout: streaming ? STREAM_TIMEOUT : undefined,
          memorySize: streaming ? 1024 : undefined,
          reservedConcurrentExecutions: streaming ? props.routerConcurrency : undefined,
          environment,
        });
        GRANTS[name](fn, props);
        return [name, fn];
      }),
    ) as Partial<Record<HandlerName, RouKeyFunction>>;

    const integrations = new Map<HandlerName, LambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = integrationFor(route.handler, this.fn(route.handler));
        integrations.set(route.handler, integration);
      }
      const method = this.restApi.root.resourceForPath(route.path).addMethod(
        route.method,
        integration,
        route.auth === 'cognito'
          ? // API Gateway accepts an access token that carries any one of these: the dashboard's or the CLI's.
            { authorizer, authorizationType: AuthorizationType.COGNITO, authorizationScopes: [...MANAGEMENT_SCOPES] }
          : { authorizationType: AuthorizationType.NONE },
      );
      if (route.auth !== 'cognito') acknowledgeUnauthorized(method, route);
    }
  }

  /** The function of a handler; throws when none of its routes is enabled. */
  fn(name: HandlerName): RouKeyFunction {
    const fn = this.functions[name];
    if (!fn) throw new Error(`No function for ${name}: its routes are not enabled`);
    return fn;
  }

  /**
   * CORS for the dashboard's one origin: preflights on the management resources and on the one router route its
   * "try it" panel calls (`POST /v1/chat/completions`), the header on their answers (lambdas/http/security-headers.ts)
   * and on API Gateway's own refusals. The other router routes stay without preflight: servers and SDKs call them.
   */
  allowOrigin(origin: string): void {
    this.addEnvironment({ ROUKEY_DASHBOARD_ORIGIN: origin });
    allowGatewayResponsesOrigin(this.gatewayResponses, origin);
    const methodsByPath = new Map<string, string[]>();
    for (const route of dashboardRoutes(this.routes)) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);
    for (const [path, methods] of methodsByPath) {
      const preflight = this.restApi.root.resourceForPath(path).addCorsPreflight({
        allowOrigins: [origin],
        allowMethods: methods,
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      });
      const reason = `OPTIONS ${path} is the CORS preflight of the dashboard's origin: browsers send it without credentials by design; it answers with a fixed mock integration (allowed origin, methods and headers) and reaches no function.`;
      Validations.of(preflight).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    }
  }

  /** Sets an environment variable on every function (settings known only once later constructs exist). */
  addEnvironment(environment: Readonly<Record<string, string>>): void {
    for (const fn of Object.values(this.functions)) for (const [name, value] of Object.entries(environment)) fn.addEnvironment(name, value);
  }
}

function integrationFor(name: HandlerName, fn: RouKeyFunction): LambdaIntegration {
  // Test-invoke permissions are for the console's test button only; one permission per method is enough.
  if (!HANDLERS[name].streaming) return new LambdaIntegration(fn, { allowTestInvoke: false });
  return new LambdaIntegration(fn, {
    allowTestInvoke: false,
    responseTransferMode: ResponseTransferMode.STREAM,
    timeout: STREAM_TIMEOUT,
  });
}

/**
 * Every function reads its whole configuration at cold start (lambdas/runtime-config.ts), so all of them get the
 * names and ids; names and ids are not permissions — those are granted per function in GRANTS (lib/api-grants.ts).
 */
function runtimeEnvironment({ tables, providerKeys, auth, plans, adminMfa, maxAnswerMiB, avatars }: ApiProps): Record<string, string> {
  return {
    ...Object.fromEntries(TABLE_NAMES.map((t) => [tableEnvVar(t), tables[t].tableName])),
    KMS_KEY_ID: providerKeys.key.keyArn,
    COGNITO_USER_POOL_ID: auth.userPool.userPoolId,
    COGNITO_CLIENT_ID: auth.client.userPoolClientId,
    ...planEnvironment(plans.overrides, plans.defaultPlan),
    ROUKEY_ADMIN_MFA: adminMfa,
    AVATAR_BUCKET: avatars.bucketName,
    ROUKEY_MAX_ANSWER_MIB: String(maxAnswerMiB),
  };
}

/** Request metadata only: no source IP (P7 keeps IPs to security events) and no caller identity. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: AccessLogField.contextRequestId(),
      requestTimeEpoch: AccessLogField.contextRequestTimeEpoch(),
      httpMethod: AccessLogField.contextHttpMethod(),
      resourcePath: AccessLogField.contextResourcePath(),
      status: AccessLogField.contextStatus(),
      responseLength: AccessLogField.contextResponseLength(),
      responseLatency: AccessLogField.contextResponseLatency(),
      integrationLatency: AccessLogField.contextIntegrationLatency(),
      integrationStatus: AccessLogField.contextIntegrationStatus(),
      errorType: AccessLogField.contextErrorResponseType(),
    }),
  );
}

function functionId(name: HandlerName): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

/** Why each handler without a Cognito authorizer is reachable without one. */
const UNAUTHORIZED_REASONS: Partial<Record<HandlerName, (route: Route) => string>> = {
  'auth-config': (route) =>
    `${route.method} ${route.path} is public by design: it returns only the public settings a sign-in page needs (region, user pool and client ids, issuer, managed login domain), before anyone can have a token.`,
  'billing-webhook': (route) =>
    `${route.method} ${route.path} is called by Stripe, which cannot present a Cognito token: every delivery is authenticated by its Stripe-Signature (HMAC-SHA256 over the raw body with the webhook signing secret, at most 300 s old), verified by the official SDK before anything is read or written; anything else is a 400.`,
  'deletion-status': (route) =>
    `${route.method} ${route.path} is public by design: a person whose account (and sign-in) is being deleted follows the deletion by its id, 128 random bits that only they were given; the answer is a status and counts, nothing of the person, and a malformed id is refused before any read.`,
  'github-oidc': (route) =>
    `${route.method} ${route.path} is an endpoint of RouKey's OpenID Connect provider in front of GitHub, called before anyone is signed in: browsers (authorize, GitHub's callback) and Cognito (token, userinfo, JWKS, discovery) reach it as OIDC prescribes; the token endpoint authenticates Cognito with its client secret, userinfo takes the provider's own signed access token, and state, codes and PKCE are checked by the handler.`,
};

function acknowledgeUnauthorized(method: Method, route: Route): void {
  const publicReason = UNAUTHORIZED_REASONS[route.handler];
  if (route.auth === 'none' && !publicReason) throw new Error(`${route.method} ${route.path} has no authorizer and no reviewed reason for it`);
  const reason =
    route.auth === 'apiKey' || !publicReason
      ? `${route.method} ${route.path} is OpenAI/Anthropic-compatible: clients send their rk_ key as their SDK does ("Authorization: Bearer", or "x-api-key" on Anthropic's messages route) and the handler verifies the key's SHA-256 hash (revocation within 30 s); a Cognito or IAM authorizer would reject every such client.`
      : publicReason(route);
  Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
}

function acknowledgeApiFindings(api: RestApi, tracing: boolean): void {
  const traces = tracing ? ', X-Ray traces of sampled requests (roukey:tracing)' : '';
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions-APIG2',
      reason:
        "Every handler validates its input with one zod schema per wire shape and answers 400 in OpenAI's error shape naming the field; an API Gateway model would duplicate those schemas, answer in another shape, and drop the unknown OpenAI fields the router must pass through.",
    },
    {
      id: 'AwsSolutions-APIG6',
      reason: `Execution logging needs the account-wide API Gateway CloudWatch role (a per-Region singleton) that a stack deployed into a customer's account must not overwrite; JSON access logs (metadata only, ${RETENTION.errorLogDays} days)${traces} and the functions' own JSON logs cover each request.`,
    },
  );
}
