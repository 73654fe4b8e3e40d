import { z } from 'zod';
import { decodeCursor, encodeCursor, invalidCursor, pageQueryShape } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { MODEL_ID, SLUG } from '../routing/config-schema.js';
import type { RequestActivity } from '../store/activity-record.js';
import { RETENTION } from '../store/retention.js';

const DAY_MS = 86_400_000;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `GET /v1/requests` query parameters. */
export const requestsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time such as 2026-01-31T23:59:59Z' }).optional(),
  status: z
    .string()
    .regex(/^(?:[1-5]xx|[1-5]\d\d)$/, { error: 'must be an HTTP status (200) or a class (4xx)' })
    .optional(),
  model: z.string().regex(MODEL_ID, { error: 'must be a model id' }).optional(),
  apiKey: z.string().regex(ID, { error: 'must be an API key id' }).optional(),
  config: z.string().regex(SLUG, { error: 'must be a config name' }).optional(),
  ...pageQueryShape,
});
export type RequestsQuery = z.infer<typeof requestsQuerySchema>;

export interface RequestLogFilter {
  /** Inclusive status bounds. */
  readonly status?: { readonly from: number; readonly to: number };
  readonly model?: string;
  readonly apiKeyId?: string;
  readonly configName?: string;
}

export interface RequestLogPage {
  readonly records: RequestActivity[];
  /** The position to continue after, when more may follow. */
  readonly after?: string;
}

/** The request log's reads (lambdas/store/activity-request-log.ts): newest first by the records' keys, expired ones left out. */
export interface RequestLogReader {
  list(
    accountId: string,
    query: { from: number; to: number; filter: RequestLogFilter; limit: number; after?: string },
  ): Promise<RequestLogPage | 'invalid_cursor'>;
  /** The account's record with this id; undefined when there is none (or it is another account's, or expired). */
  get(accountId: string, requestId: string): Promise<RequestActivity | undefined>;
}

/** A record as the API shows it: its id, its metadata, and (for one record) its attempts. */
export type RequestView = { readonly object: 'request'; readonly id: string } & Omit<
  RequestActivity,
  'kind' | 'accountId' | 'requestId' | 'expiresAt' | 'attempts'
> & {
    readonly attempts?: RequestActivity['attempts'];
  };

export interface RequestList {
  readonly object: 'list';
  readonly data: RequestView[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

export interface RequestLogService {
  list(accountId: string, analyticsDays: number, query: RequestsQuery): Promise<RequestList>;
  get(accountId: string, requestId: string): Promise<RequestView>;
}

const cursorSchema = z.strictObject({ after: z.string().max(256) });

export function createRequestLogService({ reader, now = Date.now }: { reader: RequestLogReader; now?: () => number }): RequestLogService {
  return {
    async list(accountId, analyticsDays, query) {
      const at = now();
      // The log reaches back as far as the plan's analytics, and never past the records' own retention (P11).
      const reach = Math.min(analyticsDays, RETENTION.requestMetadataDays);
      const earliest = at - reach * DAY_MS;
      const to = query.to === undefined ? at : Date.parse(query.to);
      const from = query.from === undefined ? earliest : Date.parse(query.from);
      if (from > to) throw new ApiError('invalid_request', "Invalid 'from': must not be after 'to'.", { param: 'from' });
      if (from < earliest)
        throw new ApiError('invalid_request', `Invalid 'from': the request log reaches back ${reach} days, to ${new Date(earliest).toISOString()}.`, {
          param: 'from',
        });
      const after = query.cursor === undefined ? undefined : decodeCursor(cursorSchema, query.cursor).after;
      const page = await reader.list(accountId, { from, to, filter: filterOf(query), limit: query.limit ?? 50, after });
      if (page === 'invalid_cursor') throw invalidCursor();
      return {
        object: 'list',
        data: page.records.map(({ attempts: _attempts, ...record }) => view(record)),
        has_more: page.after !== undefined,
        next_cursor: page.after === undefined ? null : encodeCursor({ after: page.after }),
      };
    },

    async get(accountId, requestId) {
      const record = ID.test(requestId) ? await reader.get(accountId, requestId) : undefined;
      if (!record) throw new ApiError('not_found', 'No such request in this account.', { param: 'id', code: 'request_not_found' });
      return view({ ...record, attempts: record.attempts ?? [] });
    },
  };
}

function filterOf(query: RequestsQuery): RequestLogFilter {
  const status = query.status;
  return {
    ...(status === undefined
      ? {}
      : status.endsWith('xx')
        ? { status: { from: Number(status[0]) * 100, to: Number(status[0]) * 100 + 99 } }
        : { status: { from: Number(status), to: Number(status) } }),
    ...(query.model === undefined ? {} : { model: query.model }),
    ...(query.apiKey === undefined ? {} : { apiKeyId: query.apiKey }),
    ...(query.config === undefined ? {} : { configName: query.config }),
  };
}

function view({ kind: _kind, accountId: _accountId, requestId, expiresAt: _expiresAt, ...fields }: RequestActivity): RequestView {
  return { object: 'request', id: requestId, ...fields };
}
