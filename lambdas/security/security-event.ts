import { z } from 'zod';

/**
 * Security events (P8): who tried what and was refused, with the source it came from. They are the only records
 * that hold a source IP (P7), and they expire after their retention window (lambdas/store/retention.ts).
 */
export const SECURITY_EVENT_KINDS = [
  /** An unknown, malformed or revoked API key. */
  'invalid_api_key',
  /** A per-key requests-per-minute refusal. */
  'rate_limited',
  /** A monthly requests or tokens refusal. */
  'quota_exceeded',
  /** A create call over one of the plan's counts (`plan_limit`) or asking for a feature the plan lacks. */
  'plan_limit',
  'plan_feature',
  /** A suspended account's key or session used. */
  'account_suspended',
  /** A deleted account's key used: recorded without the account (nothing of it is written again). */
  'account_deleted',
  /**
   * An id of another account named in a management call (answered 404). Not recorded by the management API yet:
   * ids are random and every item lives in its account's partition, so telling another account's id from a made-up
   * one would take an index by id (or a scan) on every 404; names (configs, roles) are per account by design.
   */
  'cross_account',
  /** An admin changed this account, or invited someone. */
  'admin_action',
  /** Someone outside the `admins` group called an admin route. */
  'admin_required',
  /** An admin whose sign-in can skip TOTP called an admin route where `roukey:adminMfa=required`. */
  'mfa_required',
  /** Billing changed the account: a plan bought or ended, a failed payment, a grace period over, a nightly correction. */
  'billing',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

const id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/);

/** Every field is an id, a code from a closed list or a bounded token: nothing free-form, nothing of a request's content. */
export const securityEventSchema = z.strictObject({
  kind: z.enum(SECURITY_EVENT_KINDS),
  /** Absent when no account is known (an unknown key). */
  accountId: id.optional(),
  apiKeyId: id.optional(),
  /** The first characters of a presented key that matched no key: enough to recognise it, never the key. */
  keyPrefix: z
    .string()
    .regex(/^rk_[A-Za-z0-9_-]{0,8}$/)
    .optional(),
  /** The admin who acted, for `admin_action`. */
  actorAccountId: id.optional(),
  /** What exactly: the limit or feature name, the admin action (`plan_changed`, `suspended`, …). */
  code: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
    .optional(),
  /** The API resource path the call was made to (`/v1/configs/{name}`), never the concrete path. */
  route: z
    .string()
    .regex(/^\/[A-Za-z0-9/{}_-]{0,127}$/)
    .optional(),
  sourceIp: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** The client's family (`openai-node`, `curl`, `Chrome`), not its full user-agent string. */
  userAgent: z
    .string()
    .regex(/^[A-Za-z0-9 ._/-]{1,64}$/)
    .optional(),
  /** ISO 3166 country code, when API Gateway (CloudFront) supplies one. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
});
export type SecurityEvent = z.infer<typeof securityEventSchema>;

/** Where refusals are reported. Never on the response path: recording must not slow or fail a request. */
export interface SecurityEventRecorder {
  record(event: SecurityEvent): void;
  /** Writes what is held; a Lambda calls it after its response, before the container may freeze. */
  flush(): Promise<void>;
}
