import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { AccountState } from '../accounts/account-state.js';
import { auditedResource, type AuditTrail } from '../audit/audit-trail.js';
import { assertCallerAllowed, type CallerResolver } from '../accounts/caller.js';
import { isConsentExempt, type ConsentGate } from '../accounts/consent-gate.js';
import { isAdmin } from '../auth/admin-group.js';
import type { AdminMfaGate } from '../auth/admin-mfa.js';
import { refusalEvent } from '../security/refusal-event.js';
import { requestSource } from '../security/request-source.js';
import type { SecurityEventRecorder } from '../security/security-event.js';
import { ApiError, toApiError } from './errors.js';
import { accessLog } from './access-log.js';
import { managementContext } from './management-context.js';
import { openAiErrors } from './openai-errors.js';
import { securityHeaders } from './security-headers.js';
import { parseJsonBody, validate } from './validation.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest<Body, Query = unknown> {
  readonly body: Body;
  /** The validated query string, for routes that declare one. */
  readonly query: Query;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly event: APIGatewayProxyEvent;
}

export interface AccountRouteRequest<Body, Query = unknown> extends RouteRequest<Body, Query> {
  /** The caller's own account: every read and write is scoped to it (P23). */
  readonly accountId: string;
  /** Its plan, limits and status, as create calls check them (P15). */
  readonly account: AccountState;
  /** The caller's Cognito username (the token's `username`), as the user pool's admin calls name them. */
  readonly username: string;
}

export interface RouteResult {
  readonly status: number;
  /** JSON-serialised; omitted for 204. A string sent as it is when `contentType` is set. */
  readonly body?: unknown;
  /** Another format than JSON (`text/csv; charset=utf-8`): `body` is that text. */
  readonly contentType?: string;
}

export interface RouteSpec<Req> {
  /** Present for routes that take a body: invalid input is a 400 before `handle` runs, so nothing is written. */
  readonly body?: z.ZodType;
  /** Present for routes that take query parameters, checked the same way. */
  readonly query?: z.ZodType;
  handle(request: Req): Promise<RouteResult> | RouteResult;
}

type Parsed<S> = S extends z.ZodType ? z.infer<S> : undefined;

/** Declares one method's route; `body` and `query` type the request's body and query string from their schemas. */
export function route<
  S extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  Req extends { body: unknown; query: unknown } = AccountRouteRequest<unknown>,
>(spec: {
  body?: S;
  query?: Q;
  handle: (request: Omit<Req, 'body' | 'query'> & { body: Parsed<S>; query: Parsed<Q> }) => Promise<RouteResult> | RouteResult;
}): RouteSpec<Req> {
  return spec as unknown as RouteSpec<Req>;
}

/** What a resource addressed by name (`/v1/configs/{name}`, `/v1/roles/{name}`) offers for listing, reading and deleting. */
export interface NamedResources {
  list(accountId: string): Promise<unknown[]>;
  get(accountId: string, name: string): Promise<unknown>;
  remove(accountId: string, name: string): Promise<void>;
}

/** GET (the list, or one by `{name}`) and DELETE `{name}` for a resource addressed by name. */
export function namedResourceRoutes(resources: () => NamedResources): Pick<Record<HttpMethod, RouteSpec<AccountRouteRequest<unknown>>>, 'GET' | 'DELETE'> {
  return {
    GET: route({
      handle: async ({ accountId, pathParameters: { name } }) => ({
        status: 200,
        body: name === undefined ? { object: 'list', data: await resources().list(accountId) } : await resources().get(accountId, name),
      }),
    }),
    DELETE: route({
      handle: async ({ accountId, pathParameters }) => {
        await resources().remove(accountId, pathParameters.name ?? '');
        return { status: 204 };
      },
    }),
  };
}

export type LambdaHttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What a management Lambda needs besides its routes: who the caller is, and where refusals are recorded. */
export interface ManagementDeps {
  readonly callers: CallerResolver;
  readonly securityEvents: SecurityEventRecorder;
  /** On admin routes: refuses admins whose sign-in can skip TOTP, where `roukey:adminMfa=required`. */
  readonly adminMfa?: AdminMfaGate;
  /** Where every change (and every admin call) is recorded, one line each (lambdas/audit/). */
  readonly audit?: AuditTrail;
  /** Refuses callers who have not confirmed their age and accepted the policy, outside `/v1/me*` (P24). */
  readonly consent?: ConsentGate;
}

/**
 * A management Lambda: methods dispatched by `event.httpMethod`, the caller's account resolved from the Cognito
 * authorizer's claims (created on first use), a suspended account refused, admin routes kept to the admins group
 * (and, where `roukey:adminMfa=required`, to admins whose sign-in cannot skip TOTP), routes outside `/v1/me*` kept
 * to callers who confirmed they are 13 or older and accepted a privacy policy (403 `consent_required`),
 * JSON parsed and validated, errors in OpenAI's shape, security headers, and one metadata-only access log line.
 * Every 403 refusal is recorded as a security event (P8), written before the Lambda returns. Every change (any
 * method but GET) and every admin call writes one audit line, whatever its outcome, also before the Lambda returns.
 * Nothing of the body is ever logged.
 */
export function managementHandler(options: {
  routes: Partial<Record<HttpMethod, RouteSpec<AccountRouteRequest<unknown>>>>;
  /** The admin API: callers outside the admins group get 403 `admin_required`, admins without TOTP `mfa_required`. */
  admin?: boolean;
  /** The composition root's by default, built on the first request (so importing a handler needs no config). */
  deps?: () => ManagementDeps;
  /** Routes a deleted account may still call (its deletion's status): every other route answers it 410. */
  servesDeleted?: boolean;
}): LambdaHttpHandler {
  const deps = options.deps ?? managementContext;
  return wrap(async (event) => {
    const spec = pick(options.routes, event);
    const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
    const sub = callerSub(claims);
    const { callers, securityEvents, adminMfa, audit, consent } = deps();
    const username = typeof claims?.username === 'string' ? claims.username : sub;
    const caller = await callers.resolve({ sub, username, admin: isAdmin(claims), named: typeof claims?.username === 'string' });
    const audited = audit && (options.admin || event.httpMethod !== 'GET') ? audit : undefined;
    const recordAudit = (status: number, body?: unknown, errorCode?: string) =>
      audited?.record(auditedResource(event, { accountId: caller.accountId, user: sub, admin: options.admin ?? false, status, body, errorCode }));
    try {
      // Who may call comes first: a refused caller learns nothing about what the route accepts.
      assertCallerAllowed(caller, { admin: options.admin ?? false, servesDeleted: options.servesDeleted });
      if (options.admin) await adminMfa?.assert(username);
      if (!isConsentExempt(event.resource)) await consent?.assertConsented(caller, username);
      const { body, query } = parseInput(spec, event);
      const result = await spec.handle({
        accountId: caller.accountId,
        account: caller.account,
        username,
        body,
        query,
        pathParameters: event.pathParameters ?? {},
        event,
      });
      recordAudit(result.status, result.body);
      return result;
    } catch (err) {
      const refusal = refusalEvent(err);
      if (refusal) securityEvents.record({ ...refusal, accountId: caller.accountId, route: event.resource, ...requestSource(event) });
      const apiError = toApiError(err);
      recordAudit(apiError.status, undefined, apiError.options.code ?? apiError.kind);
      throw err;
    } finally {
      await Promise.all([securityEvents.flush(), audited?.flush()]);
    }
  });
}

/** A route without sign-in (e.g. `GET /v1/auth/config`), with the same errors and headers. */
export function publicHandler(options: { routes: Partial<Record<HttpMethod, RouteSpec<RouteRequest<unknown>>>> }): LambdaHttpHandler {
  return wrap(async (event) => {
    const spec = pick(options.routes, event);
    const { body, query } = parseInput(spec, event);
    return spec.handle({ body, query, pathParameters: event.pathParameters ?? {}, event });
  });
}

function wrap(dispatch: (event: APIGatewayProxyEvent) => Promise<RouteResult>): LambdaHttpHandler {
  const core = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const result = await dispatch(event);
    if (result.contentType !== undefined)
      return { statusCode: result.status, headers: { 'content-type': result.contentType }, body: String(result.body ?? '') };
    return { statusCode: result.status, headers: {}, body: result.body === undefined ? '' : JSON.stringify(result.body) };
  };
  // onError and after run in reverse order of use(): errors are rendered first, then headers added, then logged.
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(accessLog()).use(securityHeaders()).use(openAiErrors()).handler(core) as LambdaHttpHandler;
}

/** The request's body and query string, each checked against the route's schema when it declares one. */
function parseInput(spec: RouteSpec<unknown>, event: APIGatewayProxyEvent): { body: unknown; query: unknown } {
  return {
    body: spec.body ? validate(spec.body, parseJsonBody(event.body, event.isBase64Encoded)) : undefined,
    query: spec.query ? validate(spec.query, event.queryStringParameters ?? {}) : undefined,
  };
}

function pick<T>(routes: Partial<Record<HttpMethod, T>>, event: APIGatewayProxyEvent): T {
  const spec = routes[event.httpMethod as HttpMethod];
  if (!spec) throw new ApiError('method_not_allowed', `Method ${event.httpMethod} is not allowed here.`);
  return spec;
}

function callerSub(claims: Readonly<Record<string, unknown>> | undefined): string {
  const sub = claims?.sub;
  // API Gateway's authorizer has checked the token; a missing claim means the route was wired without it.
  if (typeof sub !== 'string' || sub.length === 0) throw new ApiError('unauthenticated', 'Sign-in required.');
  return sub;
}
