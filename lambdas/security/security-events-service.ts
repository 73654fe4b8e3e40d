import { z } from 'zod';
import { decodeCursor, encodeCursor, invalidCursor, pageQueryShape } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { RETENTION } from '../store/retention.js';
import { SECURITY_EVENT_KINDS, type SecurityEvent, type SecurityEventKind } from './security-event.js';

/** One stored bucket as the listing returns it. */
export interface StoredSecurityEvent extends SecurityEvent {
  /** When the first event of the bucket was recorded (ISO). */
  readonly time: string;
  /** How many equal events that minute. */
  readonly count: number;
}

export interface SecurityEventPage {
  readonly events: StoredSecurityEvent[];
  /** The sk to continue after, when more may follow. */
  readonly after?: string;
}

export interface SecurityEventQuery {
  /** Inclusive time range (epoch ms), by minute. */
  readonly from: number;
  readonly to: number;
  readonly kind?: SecurityEventKind;
  readonly limit: number;
  /** Continue after this sk (from a previous page). */
  readonly after?: string;
}

export interface SecurityEventReader {
  /** The account's events in the range, newest first, expired ones left out; 'invalid_cursor' when `after` is not a key in the range. */
  list(accountId: string, query: SecurityEventQuery): Promise<SecurityEventPage | 'invalid_cursor'>;
}

/** `GET /v1/security-events` query parameters. */
export const securityEventsQuerySchema = z.strictObject({
  from: z.iso.datetime({ error: 'must be an ISO 8601 date-time such as 2026-01-31T00:00:00Z' }).optional(),
  to: z.iso.datetime({ error: 'must be an ISO 8601 date-time such as 2026-01-31T23:59:59Z' }).optional(),
  kind: z.enum(SECURITY_EVENT_KINDS, { error: `must be one of: ${SECURITY_EVENT_KINDS.join(', ')}` }).optional(),
  ...pageQueryShape,
});
export type SecurityEventsQuery = z.infer<typeof securityEventsQuerySchema>;

/** One bucket of equal events as the API shows it; absent details are null. */
export interface SecurityEventView {
  readonly object: 'security_event';
  readonly time: string;
  readonly kind: SecurityEventKind;
  readonly count: number;
  readonly apiKeyId: string | null;
  readonly keyPrefix: string | null;
  readonly actorAccountId: string | null;
  readonly code: string | null;
  readonly route: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly country: string | null;
}

export interface SecurityEventList {
  readonly object: 'list';
  readonly data: SecurityEventView[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

const cursorSchema = z.strictObject({ after: z.string().max(128) });
const DAY_MS = 86_400_000;

export interface SecurityEventsService {
  /** The account's own events, newest first (P8). */
  list(accountId: string, query: SecurityEventsQuery): Promise<SecurityEventList>;
}

export function createSecurityEventsService({ reader, now = Date.now }: { reader: SecurityEventReader; now?: () => number }): SecurityEventsService {
  return {
    async list(accountId, query) {
      const to = query.to === undefined ? now() : Date.parse(query.to);
      const from = query.from === undefined ? now() - RETENTION.securityEventDays * DAY_MS : Date.parse(query.from);
      if (from > to) throw new ApiError('invalid_request', "Invalid 'from': must not be after 'to'.", { param: 'from' });
      const after = query.cursor === undefined ? undefined : decodeCursor(cursorSchema, query.cursor).after;
      const page = await reader.list(accountId, { from, to, kind: query.kind, limit: query.limit ?? 50, after });
      // The reader refuses a position that is not one of its keys inside this range.
      if (page === 'invalid_cursor') throw invalidCursor();
      return {
        object: 'list',
        data: page.events.map(toView),
        has_more: page.after !== undefined,
        next_cursor: page.after === undefined ? null : encodeCursor({ after: page.after }),
      };
    },
  };
}

function toView(e: StoredSecurityEvent): SecurityEventView {
  return {
    object: 'security_event',
    time: e.time,
    kind: e.kind,
    count: e.count,
    apiKeyId: e.apiKeyId ?? null,
    keyPrefix: e.keyPrefix ?? null,
    actorAccountId: e.actorAccountId ?? null,
    code: e.code ?? null,
    route: e.route ?? null,
    sourceIp: e.sourceIp ?? null,
    userAgent: e.userAgent ?? null,
    country: e.country ?? null,
  };
}
