import { z } from 'zod';

/** Languages the dashboard is offered in, as BCP 47 tags. */
export const SUPPORTED_LANGUAGES = ['en', 'en-GB', 'de', 'fr', 'es', 'it', 'nl', 'pt-BR', 'ja'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export const DATE_RANGES = ['24h', '7d', '30d', '90d'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

/**
 * An account's preferences as stored on its PROFILE item under `preferences` (lambdas/store/accounts-profiles.ts).
 * `timezone` is read there by the usage analytics too. Security notices are not a preference: they are always sent.
 */
export interface Preferences {
  readonly timezone: string;
  readonly language: Language;
  readonly dashboard: { readonly defaultDateRange: (typeof DATE_RANGES)[number]; readonly theme: (typeof THEMES)[number] };
  /** Emails RouKey may send; product updates are opt-in (P21), billing notices opt-out. */
  readonly notifications: { readonly productUpdates: boolean; readonly billing: boolean };
}

export const DEFAULT_PREFERENCES: Preferences = {
  timezone: 'UTC',
  language: 'en',
  dashboard: { defaultDateRange: '7d', theme: 'system' },
  notifications: { productUpdates: false, billing: true },
};

/** An IANA time zone name (`Europe/Berlin`, `UTC`), stored in its canonical spelling; offsets and abbreviations are refused. */
export const timezoneSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, { error: 'must be an IANA time zone such as Europe/Berlin' })
  .transform((name, ctx) => {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Berlin' });
      return z.NEVER;
    }
  });

/** A BCP 47 tag from SUPPORTED_LANGUAGES, matched case-insensitively and stored canonically (`en-gb` → `en-GB`). */
export const languageSchema = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    const found = SUPPORTED_LANGUAGES.find((supported) => supported.toLowerCase() === tag.toLowerCase());
    if (found) return found;
    ctx.addIssue({ code: 'custom', message: `must be one of: ${SUPPORTED_LANGUAGES.join(', ')}` });
    return z.NEVER;
  });

const dashboardPatch = z.strictObject({
  defaultDateRange: z.enum(DATE_RANGES, { error: `must be one of: ${DATE_RANGES.join(', ')}` }).optional(),
  theme: z.enum(THEMES, { error: `must be one of: ${THEMES.join(', ')}` }).optional(),
});

const notificationsPatch = z.strictObject({
  productUpdates: z.boolean().optional(),
  billing: z.boolean().optional(),
  /** Accepted only as true: security notices cannot be turned off. */
  security: z.literal(true, { error: 'security notices cannot be turned off' }).optional(),
});

/** `PATCH /v1/me`: every field optional; what is left out stays as it is. Email changes go through `POST /v1/me/email`. */
export const profilePatchSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(80).nullable().optional(),
  timezone: timezoneSchema.optional(),
  language: languageSchema.optional(),
  dashboard: dashboardPatch.optional(),
  notifications: notificationsPatch.optional(),
});
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** A stored value read defensively: anything missing or unrecognised is the default. */
export function preferencesOf(stored: unknown): Preferences {
  const item = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>;
  const dashboard = dashboardPatch.safeParse(item.dashboard ?? {});
  const notifications = notificationsPatch.safeParse(item.notifications ?? {});
  const timezone = timezoneSchema.safeParse(item.timezone);
  const language = languageSchema.safeParse(item.language);
  return {
    timezone: timezone.success ? timezone.data : DEFAULT_PREFERENCES.timezone,
    language: language.success ? language.data : DEFAULT_PREFERENCES.language,
    dashboard: { ...DEFAULT_PREFERENCES.dashboard, ...(dashboard.success ? definedOf(dashboard.data) : {}) },
    notifications: {
      productUpdates: notifications.success ? (notifications.data.productUpdates ?? false) : false,
      billing: notifications.success ? (notifications.data.billing ?? true) : true,
    },
  };
}

/** `current` with `patch` applied. */
export function applyPatch(current: Preferences, patch: ProfilePatch): Preferences {
  return {
    timezone: patch.timezone ?? current.timezone,
    language: patch.language ?? current.language,
    dashboard: { ...current.dashboard, ...definedOf(patch.dashboard ?? {}) },
    notifications: {
      productUpdates: patch.notifications?.productUpdates ?? current.notifications.productUpdates,
      billing: patch.notifications?.billing ?? current.notifications.billing,
    },
  };
}

/** What the notices (lambdas/notices/) ask about: the two preferences, and the two kinds nobody can turn off. */
export type EmailKind = 'productUpdates' | 'billing' | 'security' | 'policyChanges';

/**
 * Whether the account's user has asked for emails of this kind (P21: the notifier asks this before sending). Security
 * notices and notices of a policy change (P25) are always sent.
 */
export function wantsEmail(preferences: Preferences, kind: EmailKind): boolean {
  return kind === 'security' || kind === 'policyChanges' ? true : preferences.notifications[kind];
}

function definedOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
