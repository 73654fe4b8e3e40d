import { z } from 'zod';
import { adminMfaModeSchema, type AdminMfaMode } from './auth/admin-mfa.js';
import { planCatalog, planIdSchema, planOverridesSchema, type PlanCatalog } from './plans/catalog.js';
import { TABLE_NAMES, tableEnvVar, type TableName } from './store/tables.js';

/** An environment variable holding JSON (`{}` when unset), parsed and then checked against `schema`. */
export function jsonVariable<T extends z.ZodType>(name: string, schema: T) {
  return z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} is not JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * `roukey:maxAnswerMiB`: the largest non-streamed upstream answer the router reads. The default is far beyond a chat
 * completion's text, with room for answers that carry images or audio; the maximum keeps one answer well inside a
 * router function's memory.
 */
export const MAX_ANSWER_MIB = { default: 32, min: 1, max: 256 } as const;

/**
 * Everything a Lambda reads from its environment, validated once at cold start. The CDK stack sets these in
 * AWS and `bin/local.ts` sets them locally; nothing else in `lambdas/` knows which runtime it is in.
 */
const envSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Only set locally: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** In AWS: the KMS key that wraps provider-key data keys. */
  KMS_KEY_ID: z.string().min(1).optional(),
  /** Locally: the file holding the local keyring's 256-bit master key (mode 0600). */
  LOCAL_KEYRING_FILE: z.string().min(1).optional(),
  /** Lets provider base URLs point at loopback (http allowed there); on only in the local runtime. */
  ALLOW_LOOPBACK_BASE_URL: z.enum(['true', 'false']).default('false'),
  COGNITO_USER_POOL_ID: z.string().min(1).optional(),
  COGNITO_CLIENT_ID: z.string().min(1).optional(),
  /** Locally: cognito-local's URL. In AWS the issuer is derived from region and pool id. */
  COGNITO_ENDPOINT: z.url().optional(),
  /** Managed login's base URL (`https://<prefix>.auth.<region>.amazoncognito.com` or the custom domain). */
  COGNITO_DOMAIN: z.url().optional(),
  /** The audit trail's own log group (lib/observability.ts); unset (locally), audit lines go to stdout. */
  AUDIT_LOG_GROUP: z.string().min(1).optional(),
  /** The dashboard's app client (authorization code + PKCE through managed login). */
  COGNITO_DASHBOARD_CLIENT_ID: z.string().min(1).optional(),
  /** The identity providers offered beside email and password (`Google`, `GitHub`), comma-separated. */
  ROUKEY_SIGN_IN_PROVIDERS: z.string().default(''),
  /** The operator's changes to the plan catalog (`roukey:plans`), as JSON. */
  ROUKEY_PLANS: jsonVariable('ROUKEY_PLANS', planOverridesSchema),
  ROUKEY_DEFAULT_PLAN: planIdSchema.default('free'),
  /** `roukey:adminMfa`: whether admin routes ask for a sign-in protected by TOTP. */
  ROUKEY_ADMIN_MFA: adminMfaModeSchema.default('optional'),
  /** `roukey:maxAnswerMiB`: the largest non-streamed upstream answer the router reads. */
  ROUKEY_MAX_ANSWER_MIB: z.coerce.number().int().min(MAX_ANSWER_MIB.min).max(MAX_ANSWER_MIB.max).default(MAX_ANSWER_MIB.default),
  /** The avatars bucket (lib/avatars.ts). */
  AVATAR_BUCKET: z.string().min(3).optional(),
  /** The data exports bucket (lib/exports.ts). */
  EXPORT_BUCKET: z.string().min(3).optional(),
  /** Locally: the S3-protocol server's URL (lib/local/s3-local.ts). */
  S3_ENDPOINT: z.url().optional(),
  /** `roukey:sesFromAddress`: notices are sent through SES from this address (lib/notices.ts); unset, none are sent. */
  ROUKEY_SES_FROM: z.email().optional(),
  /** Locally: where notices are written as files (`.roukey/mail/`, lib/local/runtime.ts); it wins over SES. */
  ROUKEY_MAIL_DIR: z.string().min(1).optional(),
});

export interface RuntimeConfig {
  readonly region: string;
  readonly dynamodbEndpoint?: string;
  readonly tables: Readonly<Record<TableName, string>>;
  readonly keyring: { readonly kind: 'kms'; readonly keyId: string } | { readonly kind: 'local'; readonly file: string };
  readonly allowLoopbackBaseUrl: boolean;
  readonly cognito: {
    readonly userPoolId?: string;
    readonly clientId?: string;
    readonly endpoint?: string;
    readonly domain?: string;
    readonly dashboardClientId?: string;
    readonly identityProviders: readonly string[];
  };
  readonly plans: PlanCatalog;
  readonly adminMfa: AdminMfaMode;
  /** The largest non-streamed upstream answer the router reads, in bytes. */
  readonly maxAnswerBytes: number;
  readonly auditLogGroup?: string;
  readonly avatars: { readonly bucket?: string; readonly endpoint?: string };
  /** How notices leave (lambdas/notices/): SES from an address, files in a directory, or not at all. */
  readonly notices: { readonly kind: 'ses'; readonly from: string } | { readonly kind: 'files'; readonly dir: string } | { readonly kind: 'off' };
  readonly exports: { readonly bucket?: string; readonly endpoint?: string };
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const parsed = envSchema.parse(env);
  const tables = Object.fromEntries(
    TABLE_NAMES.map((t) => [
      t,
      z
        .string()
        .min(1, `${tableEnvVar(t)} is not set`)
        .parse(env[tableEnvVar(t)] ?? ''),
    ]),
  ) as Record<TableName, string>;
  const keyring = parsed.KMS_KEY_ID
    ? ({ kind: 'kms', keyId: parsed.KMS_KEY_ID } as const)
    : ({ kind: 'local', file: z.string({ error: 'KMS_KEY_ID or LOCAL_KEYRING_FILE must be set' }).parse(parsed.LOCAL_KEYRING_FILE) } as const);
  return {
    region: parsed.AWS_REGION,
    dynamodbEndpoint: parsed.DYNAMODB_ENDPOINT,
    tables,
    keyring,
    allowLoopbackBaseUrl: parsed.ALLOW_LOOPBACK_BASE_URL === 'true',
    cognito: {
      userPoolId: parsed.COGNITO_USER_POOL_ID,
      clientId: parsed.COGNITO_CLIENT_ID,
      endpoint: parsed.COGNITO_ENDPOINT,
      domain: parsed.COGNITO_DOMAIN,
      dashboardClientId: parsed.COGNITO_DASHBOARD_CLIENT_ID,
      identityProviders: parsed.ROUKEY_SIGN_IN_PROVIDERS.split(',').filter((name) => name !== ''),
    },
    plans: planCatalog(parsed.ROUKEY_PLANS, parsed.ROUKEY_DEFAULT_PLAN),
    adminMfa: parsed.ROUKEY_ADMIN_MFA,
    maxAnswerBytes: parsed.ROUKEY_MAX_ANSWER_MIB * 1024 * 1024,
    auditLogGroup: parsed.AUDIT_LOG_GROUP,
    avatars: { bucket: parsed.AVATAR_BUCKET, endpoint: parsed.S3_ENDPOINT },
    notices: parsed.ROUKEY_MAIL_DIR
      ? { kind: 'files', dir: parsed.ROUKEY_MAIL_DIR }
      : parsed.ROUKEY_SES_FROM
        ? { kind: 'ses', from: parsed.ROUKEY_SES_FROM }
        : { kind: 'off' },
    exports: { bucket: parsed.EXPORT_BUCKET, endpoint: parsed.S3_ENDPOINT },
  };
}

let cached: RuntimeConfig | undefined;
/** The process's config, parsed on first use. */
export function runtimeConfig(): RuntimeConfig {
  return (cached ??= loadRuntimeConfig());
}

/** What a job that touches a few tables reads (the stream aggregator): region, DynamoDB Local's URL locally, the tables. */
export function tableConfig<T extends TableName>(
  names: readonly T[],
  env: NodeJS.ProcessEnv = process.env,
): Pick<RuntimeConfig, 'region' | 'dynamodbEndpoint'> & { tables: Record<T, string> } {
  const parsed = envSchema.pick({ AWS_REGION: true, DYNAMODB_ENDPOINT: true }).parse(env);
  const tables = Object.fromEntries(
    names.map((table) => [
      table,
      z
        .string()
        .min(1, `${tableEnvVar(table)} is not set`)
        .parse(env[tableEnvVar(table)] ?? ''),
    ]),
  ) as Record<T, string>;
  return { region: parsed.AWS_REGION, dynamodbEndpoint: parsed.DYNAMODB_ENDPOINT, tables };
}
