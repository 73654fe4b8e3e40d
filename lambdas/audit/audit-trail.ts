import type { APIGatewayProxyEvent } from 'aws-lambda';
import { z } from 'zod';

/**
 * One management change, as the audit trail keeps it: who (account and user), what (method, route, the resource
 * named in the path and the one created), when, and how it ended. Ids, codes and route templates only: never a
 * body, a secret or a name the caller typed beyond the path's own (config and role names are slugs).
 */
const ID = /^[A-Za-z0-9._:@+-]{1,128}$/;
const id = z.string().regex(ID);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const auditEntrySchema = z.strictObject({
  kind: z.literal('audit'),
  at: z.iso.datetime(),
  requestId: id.optional(),
  accountId: id,
  /** The Cognito user (the token's `sub`). */
  user: id,
  /** The call went to an admin route. */
  admin: z.boolean(),
  method: z.enum(METHODS),
  /** The route's template, e.g. `/v1/api-keys/{id}`. */
  route: z.string().regex(/^\/[A-Za-z0-9/{}._-]{0,200}$/),
  /** The resource the path names (before the change). */
  resourceId: id.optional(),
  /** The resource the call created (after), from the answer's `id`. */
  createdId: id.optional(),
  status: z.number().int().min(100).max(599),
  errorCode: z
    .string()
    .regex(/^[a-z_]{1,64}$/)
    .optional(),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Where audit lines go: their own log group in AWS, stdout locally. Written before the Lambda returns. */
export interface AuditTrail {
  record(entry: AuditEntry): void;
  flush(): Promise<void>;
}

/** The audit line as stored: the entry checked against its schema, so nothing free-form slips in (P1, P2). */
export function auditLine(entry: AuditEntry): string {
  return JSON.stringify(auditEntrySchema.parse(entry));
}

/** An id as the audit line may hold it; anything else in a path (a made-up value) is recorded as `invalid`. */
function safeId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return ID.test(value) ? value : 'invalid';
}

/** The audit entry of one management call, from its event and how it ended. */
export function auditedResource(
  event: APIGatewayProxyEvent,
  call: { accountId: string; user: string; admin: boolean; status: number; body?: unknown; errorCode?: string; now?: number },
): AuditEntry {
  const params = event.pathParameters ?? {};
  const created = call.status === 201 && typeof call.body === 'object' && call.body !== null ? (call.body as { id?: unknown }).id : undefined;
  const method = METHODS.find((m) => m === event.httpMethod) ?? 'GET';
  return {
    kind: 'audit',
    at: new Date(call.now ?? Date.now()).toISOString(),
    requestId: safeId(event.requestContext?.requestId),
    accountId: call.accountId,
    user: call.user,
    admin: call.admin,
    method,
    route: /^\/[A-Za-z0-9/{}._-]{0,200}$/.test(event.resource) ? event.resource : '/invalid',
    resourceId: safeId(params.id ?? params.name ?? params.accountId),
    createdId: safeId(created),
    status: call.status,
    errorCode: call.errorCode && /^[a-z_]{1,64}$/.test(call.errorCode) ? call.errorCode : undefined,
  };
}
