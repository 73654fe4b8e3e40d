import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand, ResourceAlreadyExistsException } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { z } from 'zod';
import { cloudWatchAuditTrail, stdoutAuditTrail } from '../../../lambdas/audit/audit-log.js';
import type { AuditEntry, AuditTrail } from '../../../lambdas/audit/audit-trail.js';
import { ApiError } from '../../../lambdas/http/errors.js';
import { managementHandler, route, type ManagementDeps } from '../../../lambdas/http/management-handler.js';
import { DEFAULT_PLANS } from '../../../lambdas/plans/catalog.js';
import { managementEvent } from '../../support/management-event.js';

function recorder(): AuditTrail & { entries: AuditEntry[]; flushes: number } {
  const trail = {
    entries: [] as AuditEntry[],
    flushes: 0,
    record: (entry: AuditEntry) => void trail.entries.push(entry),
    flush: async () => void trail.flushes++,
  };
  return trail;
}

function handlerWith(audit: AuditTrail, admin = false) {
  const deps: ManagementDeps = {
    callers: {
      resolve: async (identity) => {
        const accountId = `acc-${identity.sub}`;
        return { ...identity, accountId, account: { accountId, plan: 'free', status: 'active', limitOverrides: {}, limits: DEFAULT_PLANS.free } };
      },
    },
    securityEvents: { record: () => undefined, flush: async () => undefined },
    audit,
  };
  return managementHandler({
    deps: () => deps,
    admin,
    routes: {
      GET: route({ handle: () => ({ status: 200, body: { object: 'list', data: [] } }) }),
      POST: route({
        body: z.strictObject({ name: z.string(), apiKey: z.string().optional() }),
        handle: () => ({ status: 201, body: { id: 'ak_new123', key: 'rk_live_SECRET_VALUE', name: 'prod' } }),
      }),
      DELETE: route({
        handle: ({ pathParameters }) => {
          if (pathParameters.id === 'missing') throw new ApiError('not_found', 'No such key.', { param: 'id' });
          return { status: 204 };
        },
      }),
    },
  });
}

const ctx = {} as never;
const AT = /^\d{4}-\d{2}-\d{2}T/;

describe('audit trail: one line per management change, written centrally', () => {
  it('a create records who, what, the id it created and the outcome — never the body or the secret it returned', async () => {
    const audit = recorder();
    const body = { name: 'prod', apiKey: 'sk-upstream-SECRET' };
    const res = await handlerWith(audit)(managementEvent('POST', '/v1/api-keys', { sub: 'user-1', body }), ctx);
    expect(res.statusCode).toBe(201);
    expect(audit.entries).toEqual([
      {
        kind: 'audit',
        at: expect.stringMatching(AT),
        requestId: undefined,
        accountId: 'acc-user-1',
        user: 'user-1',
        admin: false,
        method: 'POST',
        route: '/v1/api-keys',
        resourceId: undefined,
        createdId: 'ak_new123',
        status: 201,
        errorCode: undefined,
      },
    ]);
    expect(audit.flushes).toBe(1);
    const text = JSON.stringify(audit.entries);
    for (const secret of ['SECRET', 'prod']) expect(text).not.toContain(secret);
  });

  it('a deletion records the resource it named; a failed one its status and error code', async () => {
    const audit = recorder();
    const handler = handlerWith(audit);
    await handler(managementEvent('DELETE', '/v1/api-keys/{id}', { sub: 'user-1', params: { id: 'ak_old' } }), ctx);
    await handler(managementEvent('DELETE', '/v1/api-keys/{id}', { sub: 'user-1', params: { id: 'missing' } }), ctx);
    expect(audit.entries).toEqual([
      expect.objectContaining({ method: 'DELETE', route: '/v1/api-keys/{id}', resourceId: 'ak_old', status: 204 }),
      expect.objectContaining({ method: 'DELETE', resourceId: 'missing', status: 404, errorCode: 'not_found' }),
    ]);
  });

  it('reads are not audited, except on admin routes; a path value that is no id is recorded as invalid', async () => {
    const audit = recorder();
    await handlerWith(audit)(managementEvent('GET', '/v1/api-keys', { sub: 'user-1' }), ctx);
    expect(audit.entries).toEqual([]);
    const admin = recorder();
    await handlerWith(admin, true)(managementEvent('GET', '/v1/admin/accounts', { sub: 'adm', groups: ['admins'] }), ctx);
    await handlerWith(admin, true)(managementEvent('DELETE', '/v1/admin/x/{id}', { sub: 'adm', groups: ['admins'], params: { id: 'a b<script>' } }), ctx);
    expect(admin.entries).toEqual([
      expect.objectContaining({ admin: true, method: 'GET', route: '/v1/admin/accounts', status: 200 }),
      expect.objectContaining({ admin: true, method: 'DELETE', resourceId: 'invalid', status: 204 }),
    ]);
  });

  it('an admin route refused to a non-admin is audited with its refusal', async () => {
    const audit = recorder();
    const res = await handlerWith(audit, true)(managementEvent('POST', '/v1/admin/invitations', { sub: 'user-2', body: { name: 'x' } }), ctx);
    expect(res.statusCode).toBe(403);
    expect(audit.entries).toEqual([expect.objectContaining({ user: 'user-2', admin: true, status: 403, errorCode: 'admin_required' })]);
  });
});

describe('where audit lines go', () => {
  const entry: AuditEntry = {
    kind: 'audit',
    at: '2026-12-02T12:00:00.000Z',
    accountId: 'acc-1',
    user: 'user-1',
    admin: false,
    method: 'DELETE',
    route: '/v1/configs/{name}',
    resourceId: 'prod',
    status: 204,
  };

  it('in AWS: its own log group, a stream per container made once, one PutLogEvents per request', async () => {
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(CreateLogStreamCommand).resolves({});
    logs.on(PutLogEventsCommand).resolves({});
    const trail = cloudWatchAuditTrail({
      client: new CloudWatchLogsClient({ region: 'eu-west-1' }),
      logGroup: 'audit-group',
      stream: 's-1',
      onError: () => undefined,
    });
    await trail.flush();
    expect(logs.calls()).toHaveLength(0);
    trail.record(entry);
    trail.record({ ...entry, resourceId: 'dev' });
    await trail.flush();
    trail.record(entry);
    await trail.flush();
    expect(logs.commandCalls(CreateLogStreamCommand)).toHaveLength(1);
    expect(logs.commandCalls(CreateLogStreamCommand)[0]?.args[0].input).toEqual({ logGroupName: 'audit-group', logStreamName: 's-1' });
    const puts = logs.commandCalls(PutLogEventsCommand).map((c) => c.args[0].input);
    expect(puts).toHaveLength(2);
    expect(puts[0]?.logEvents?.map((e) => JSON.parse(e.message ?? ''))).toEqual([entry, { ...entry, resourceId: 'dev' }]);
    expect(puts[0]?.logEvents?.[0]?.timestamp).toBe(Date.parse(entry.at));
    logs.restore();
  });

  it('a stream another container made first is used; a failed write is reported, never thrown', async () => {
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(CreateLogStreamCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));
    logs.on(PutLogEventsCommand).resolvesOnce({}).rejects(new Error('throttled'));
    const errors: unknown[] = [];
    const trail = cloudWatchAuditTrail({
      client: new CloudWatchLogsClient({ region: 'eu-west-1' }),
      logGroup: 'g',
      stream: 's',
      onError: (e) => errors.push(e),
    });
    trail.record(entry);
    await trail.flush();
    trail.record(entry);
    await expect(trail.flush()).resolves.toBeUndefined();
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(2);
    expect(errors).toHaveLength(1);
    logs.restore();
  });

  it('locally: the same JSON lines on stdout', () => {
    const lines: string[] = [];
    stdoutAuditTrail((line) => lines.push(line)).record(entry);
    expect(lines.map((l) => JSON.parse(l))).toEqual([entry]);
  });
});
