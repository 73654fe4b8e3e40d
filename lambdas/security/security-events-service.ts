import { z } from 'zod';
import { decodeCursor, encodeCursor, invalidCursor, pageQueryShape } from '../http/cursor.js';
import { ApiError } from '../http/errors.js';
import { RETENTION } from '../store/retention.js';
import { AUTH_EVENT_KINDS, type AuthEvent, type AuthEventKind, type AuthEventSource } from './auth-events.js';
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

/** RouKey's own kinds and the user pool's sign-in kinds: what `?kind=` takes. */
const LISTED_KINDS = [...SECURITY_EVENT_KINDS, ...AUTH_EVENT_KINDS] as const;

/** `GET /v1/security-events` query parameters. */
export const securityEventsQuerySchema = z.strictObject({
  from: z.iso.datetime({ error: 'must be an ISO 8601 date-time such as 2026-01-31T00:00:00Z' }).optional(),
  to: z.iso.datetime({ error: 'must be an ISO 8601 date-time such as 2026-01-31T23:59:59Z' }).optional(),
  kind: z.enum(LISTED_KINDS, { error: `must be one of: ${LISTED_KINDS.join(', ')}` }).optional(),
  ...pageQueryShape,
});
export type SecurityEventsQuery = z.infer<typeof securityEventsQuerySchema>;

/** One bucket of equal events as the API shows it, RouKey's or the user pool's; absent details are null. */
export interface SecurityEventView {
  readonly object: 'security_event';
  /** `roukey`: recorded by RouKey; `cognito`: a sign-in event the user pool recorded (P8). */
  readonly source: 'roukey' | 'cognito';
  readonly time: string;
  readonly kind: SecurityEventKind | AuthEventKind;
  readonly count: number;
  readonly apiKeyId: string | null;
  readonly keyPrefix: string | null;
  readonly actorAccountId: string | null;
  readonly code: string | null;
  readonly route: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly device: string | null;
  /** Cognito's risk assessment of a sign-in. */
  readonly risk: AuthEvent['risk'] | null;
}

export interface SecurityEventList {
  readonly object: 'list';
  readonly data: SecurityEventView[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
}

/** `after`: RouKey's position; `before`: where the previous page's period ended (epoch ms), for the pool's events. */
const cursorSchema = z.strictObject({ after: z.string().max(128), before: z.number().int().nonnegative().optional() });
const DAY_MS = 86_400_000;
/** The most sign-in events one page shows. */
const MAX_AUTH_EVENTS = 200;

export interface SecurityEventsService {
  /** The account's own events, and its user's sign-in events from the user pool, newest first (P8). */
  list(accountId: string, query: SecurityEventsQuery, username: string): Promise<SecurityEventList>;
}

/**
 * Pages follow RouKey's events; each page also holds the user pool's events of the period its RouKey events span (from
 * its oldest to where the previous page ended; the last page reaches back to `from`), so every event is listed once.
 */
export function createSecurityEventsService({
  reader,
  authEvents,
  now = Date.now,
}: {
  reader: SecurityEventReader;
  authEvents?: AuthEventSource;
  now?: () => number;
}): SecurityEventsService {
  return {
    async list(accountId, query, username) {
      const to = query.to === undefined ? now() : Date.parse(query.to);
      const from = query.from === undefined ? now() - RETENTION.securityEventDays * DAY_MS : Date.parse(query.from);
      if (from > to) throw new ApiError('invalid_request', "Invalid 'from': must not be after 'to'.", { param: 'from' });
      const position = query.cursor === undefined ? undefined : decodeCursor(cursorSchema, query.cursor);
      const kind = query.kind;
      const ownKind = kind === undefined || (SECURITY_EVENT_KINDS as readonly string[]).includes(kind);
      const page: SecurityEventPage | 'invalid_cursor' = ownKind
        ? await reader.list(accountId, { from, to, kind: kind as SecurityEventKind | undefined, limit: query.limit ?? 50, after: position?.after })
        : { events: [] };
      // The reader refuses a position that is not one of its keys inside this range.
      if (page === 'invalid_cursor') throw invalidCursor();
      const upper = position?.before ?? to;
      const oldest = page.events.at(-1);
      const lower = page.after !== undefined && oldest ? Date.parse(oldest.time) : from;
      const pool =
        authEvents && (kind === undefined || !ownKind)
          ? (await authEvents.list(username, { from: lower, to: upper }, MAX_AUTH_EVENTS)).filter(
              // The previous page took its period's end inclusively.
              (e) => (kind === undefined || e.kind === kind) && (position?.before === undefined || Date.parse(e.time) < upper),
            )
          : [];
      const data = [...page.events.map(ownView), ...pool.map(poolView)].sort((a, b) => b.time.localeCompare(a.time));
      return {
        object: 'list',
        data,
        has_more: page.after !== undefined,
        next_cursor: page.after === undefined ? null : encodeCursor({ after: page.after, before: lower }),
      };
    },
  };
}

/** Every field of the view that is not always present, absent; each source fills in what it knows. */
const NO_DETAILS = {
  apiKeyId: null,
  keyPrefix: null,
  actorAccountId: null,
  code: null,
  route: null,
  sourceIp: null,
  userAgent: null,
  country: null,
  city: null,
  device: null,
  risk: null,
} as const satisfies Partial<SecurityEventView>;

/** An event's fields that are set, for spreading over NO_DETAILS. */
function present<T extends object>(fields: T): { [K in keyof T]: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as { [K in keyof T]: NonNullable<T[K]> };
}

function poolView(e: AuthEvent): SecurityEventView {
  const { code, sourceIp, country, city, device, risk } = e;
  return {
    object: 'security_event',
    source: 'cognito',
    time: e.time,
    kind: e.kind,
    count: 1,
    ...NO_DETAILS,
    ...present({ code, sourceIp, country, city, device, risk }),
  };
}

function ownView(e: StoredSecurityEvent): SecurityEventView {
  const { apiKeyId, keyPrefix, actorAccountId, code, route, sourceIp, userAgent, country } = e;
  return {
    object: 'security_event',
    source: 'roukey',
    time: e.time,
    kind: e.kind,
    count: e.count,
    ...NO_DETAILS,
    ...present({ apiKeyId, keyPrefix, actorAccountId, code, route, sourceIp, userAgent, country }),
  };
}
