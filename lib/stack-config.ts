import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Construct } from 'constructs';
import { adminMfaModeSchema } from '../lambdas/auth/admin-mfa.js';
import { emailDomainSchema, emailDomainsSchema, signUpModeSchema, signUpPolicyIssues } from '../lambdas/auth/sign-up-policy.js';
import { listText } from '../lambdas/list-text.js';
import { MAX_ANSWER_MIB } from '../lambdas/runtime-config.js';
import { stripePricesSchema } from '../lambdas/billing/stripe-prices.js';
import { planIdSchema, planOverridesSchema } from '../lambdas/plans/catalog.js';

/** `cdk deploy -c key=value` passes strings: JSON-valued keys accept their JSON text too. */
const jsonText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);

/** A number, or its decimal text as `cdk -c` passes it; unlike z.coerce, `true` or `""` is not a number. */
const contextNumber = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number({ error: 'must be a number' }),
);

const booleanFlag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'must be true or false' });

/** A Secrets Manager secret's name as the console and CLI accept it. */
const secretName = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { error: 'must be a Secrets Manager secret name' });

/** A Cognito prefix domain (`<prefix>.auth.<region>.amazoncognito.com`): lower case, digits and hyphens; AWS reserves some words. */
const domainPrefix = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: 'must be lower-case letters, digits and hyphens (1-63), not starting or ending with a hyphen' })
  .refine((prefix) => !/aws|amazon|cognito/.test(prefix), { error: 'must not contain aws, amazon or cognito (reserved by AWS)' });

/** Cognito custom domains are served by CloudFront, so their certificate must be in us-east-1. */
const certificateArn = z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/, {
  error: 'must be the ARN of an ACM certificate in us-east-1 (CloudFront serves Cognito custom domains)',
});

/** The dashboard's address: https (plain http is allowed by Cognito for localhost only, see roukey:devCallbacks). */
const dashboardUrl = z
  .url({ error: 'must be a URL such as https://dashboard.example.com' })
  .refine((url) => new URL(url).protocol === 'https:', { error: 'must be an https URL' })
  .refine((url) => !/[?#]/.test(url), { error: 'must not carry a query or fragment' });

/** GitHub organisation logins, as a JSON array or comma-separated. */
const githubOrgs = listText(
  z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, { error: 'must be a GitHub organisation login' }),
      { error: 'must be a list of GitHub organisation logins' },
    )
    .max(50, { error: 'must list at most 50 organisations' }),
);

/**
 * Operator choices from cdk.json context or `cdk deploy -c key=value`, validated at synth. `npm start` reads the
 * same keys from cdk.json (`readCdkJsonConfig`), so one file configures both runtimes.
 */
const stackConfigSchema = z
  .object({
    /** Steady-state requests per second across the stage, before API Gateway answers 429. */
    throttleRateLimit: contextNumber.pipe(z.number().int().positive()).default(100),
    throttleBurstLimit: contextNumber.pipe(z.number().int().positive()).default(200),
    /** Grants the router Bedrock's invoke actions; off unless the deployer opts in (`-c roukey:enableBedrock=true`). */
    enableBedrock: booleanFlag.optional(),
    /** Changes to the plan catalog's limits (lambdas/plans/catalog.ts), per plan. */
    plans: jsonText(planOverridesSchema).default({}),
    /** The plan every new account starts on. */
    defaultPlan: planIdSchema.default('free'),
    /**
     * AWS WAF on the API stage (lib/edge.ts): a per-IP rate limit and AWS's common and known-bad-inputs rule groups.
     * It has a monthly and a per-request price (docs/edge.md); `false` turns it off.
     */
    waf: booleanFlag.default(true),
    /** Requests one IP address may send in 5 minutes before WAF answers 429 (WAF's minimum is 10). */
    wafRateLimit: contextNumber
      .pipe(
        z
          .number()
          .int({ error: 'must be a whole number of requests per 5 minutes' })
          .min(10, { error: "must be at least 10 (WAF's minimum)" })
          .max(2_000_000_000, { error: 'must be at most 2000000000' }),
      )
      .default(2_000),
    /** X-Ray tracing of the API stage. Off: traces record each caller's IP for 30 days, and IPs belong only in security events (P7). */
    tracing: booleanFlag.default(false),
    /**
     * Reserved concurrency of each router function (chat completions, messages): RouKey can never use more of the
     * account's Lambda concurrency than this, and the rest of the account keeps the remainder. Unset: no reservation.
     */
    routerConcurrency: contextNumber
      .pipe(z.number().int({ error: 'must be a positive whole number' }).positive({ error: 'must be a positive whole number' }))
      .optional(),
    /** The largest non-streamed upstream answer the router reads, in MiB; past it the attempt fails as an upstream error. */
    maxAnswerMiB: contextNumber
      .pipe(
        z
          .number()
          .int({ error: 'must be a whole number of MiB' })
          .min(MAX_ANSWER_MIB.min, { error: `must be at least ${MAX_ANSWER_MIB.min}` })
          .max(MAX_ANSWER_MIB.max, { error: `must be at most ${MAX_ANSWER_MIB.max} (a router function's memory holds the answer)` }),
      )
      .default(MAX_ANSWER_MIB.default),
    /** Who may create a sign-in: `invite` (admins invite by email), `domains` (self sign-up for signUpDomains), `open`. */
    signUp: signUpModeSchema.default('invite'),
    signUpDomains: emailDomainsSchema.default([]),
    /** Invited as the first admin at deploy time (idempotent: an existing user is only put in the admins group). */
    adminEmail: z.email({ error: 'must be an email address' }).optional(),
    /** `required`: admin routes answer only admins whose sign-in asks for TOTP (docs/auth.md). */
    adminMfa: adminMfaModeSchema.default('optional'),
    /** Managed login at `<prefix>.auth.<region>.amazoncognito.com`; unset (and no custom domain): `roukey-<account id>`. */
    authDomainPrefix: domainPrefix.optional(),
    /** Managed login at a domain of your own, with its certificate (us-east-1); set both, instead of a prefix. */
    authDomain: emailDomainSchema.optional(),
    authCertificateArn: certificateArn.optional(),
    /** Where the dashboard is served: managed login sends people back to it. */
    dashboardUrl: dashboardUrl.optional(),
    /** Also accept a dashboard on a developer's machine (http://localhost:5173 and :8787) as a sign-in callback. */
    devCallbacks: booleanFlag.default(false),
    /** A Secrets Manager secret `{"clientId","clientSecret"}` of a Google OAuth client: turns on "Sign in with Google". */
    googleClientSecretName: secretName.optional(),
    /** A Secrets Manager secret `{"clientId","clientSecret"}` of a GitHub OAuth app: turns on "Sign in with GitHub". */
    githubClientSecretName: secretName.optional(),
    /** Only members of these GitHub organisations may sign in with GitHub. */
    githubOrgs: githubOrgs.default([]),
    /** A Secrets Manager secret `{"secretKey","webhookSecret"}` of a Stripe account: turns billing on (docs/billing.md). */
    stripeSecretName: secretName.optional(),
    /** Per purchasable plan, its Stripe price per interval (`{"starter":{"month":"price_…","year":"price_…"}}`). */
    stripePrices: jsonText(stripePricesSchema).default({}),
    /** Subscribed to the CloudWatch alarms' SNS topic (lib/observability.ts); AWS mails it a confirmation link first. */
    alarmEmail: z.email({ error: 'must be an email address' }).optional(),
    /** RouKey's notices (billing, security, policy changes, product updates) are sent through SES from this verified address. */
    sesFromAddress: z.email({ error: 'must be an email address that SES has verified (or whose domain it has)' }).optional(),
  })
  .superRefine((config, ctx) => {
    for (const issue of signUpPolicyIssues({ mode: config.signUp, domains: config.signUpDomains })) {
      ctx.addIssue({ code: 'custom', path: ['signUpDomains'], message: issue.message });
    }
    if ((config.authDomain === undefined) !== (config.authCertificateArn === undefined)) {
      const missing = config.authDomain === undefined ? 'authDomain' : 'authCertificateArn';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'must be set together with roukey:authDomain and roukey:authCertificateArn (a custom domain needs its certificate)',
      });
    }
    if (config.authDomain !== undefined && config.authDomainPrefix !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['authDomainPrefix'], message: 'is not used with a custom domain (roukey:authDomain): set one or the other' });
    }
    if (config.githubOrgs.length > 0 && config.githubClientSecretName === undefined) {
      ctx.addIssue({ code: 'custom', path: ['githubOrgs'], message: 'only applies to GitHub sign-in: set roukey:githubClientSecretName too' });
    }
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

export const CONTEXT_KEYS = {
  throttleRateLimit: 'roukey:throttleRateLimit',
  throttleBurstLimit: 'roukey:throttleBurstLimit',
  enableBedrock: 'roukey:enableBedrock',
  plans: 'roukey:plans',
  defaultPlan: 'roukey:defaultPlan',
  waf: 'roukey:waf',
  wafRateLimit: 'roukey:wafRateLimit',
  tracing: 'roukey:tracing',
  routerConcurrency: 'roukey:routerConcurrency',
  maxAnswerMiB: 'roukey:maxAnswerMiB',
  signUp: 'roukey:signUp',
  signUpDomains: 'roukey:signUpDomains',
  adminEmail: 'roukey:adminEmail',
  adminMfa: 'roukey:adminMfa',
  authDomainPrefix: 'roukey:authDomainPrefix',
  authDomain: 'roukey:authDomain',
  authCertificateArn: 'roukey:authCertificateArn',
  dashboardUrl: 'roukey:dashboardUrl',
  devCallbacks: 'roukey:devCallbacks',
  googleClientSecretName: 'roukey:googleClientSecretName',
  githubClientSecretName: 'roukey:githubClientSecretName',
  githubOrgs: 'roukey:githubOrgs',
  stripeSecretName: 'roukey:stripeSecretName',
  stripePrices: 'roukey:stripePrices',
  alarmEmail: 'roukey:alarmEmail',
  sesFromAddress: 'roukey:sesFromAddress',
} as const satisfies Record<keyof StackConfig, string>;

/** The stack's config from the CDK context; a bad value fails synth naming the key and the path inside it. */
export function readStackConfig(scope: Construct): StackConfig {
  return parseStackConfig((key) => scope.node.tryGetContext(key) as unknown);
}

/** The same config from a cdk.json file's `context`, for `npm start`. */
export function readCdkJsonConfig(path: string): StackConfig {
  const context = (JSON.parse(readFileSync(path, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  return parseStackConfig((key) => context[key]);
}

export function parseStackConfig(get: (contextKey: string) => unknown): StackConfig {
  const raw = Object.fromEntries(Object.entries(CONTEXT_KEYS).map(([field, key]) => [field, get(key)]));
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const [field, ...inner] = issue.path.map(String);
      const key = CONTEXT_KEYS[field as keyof StackConfig] ?? field;
      return `${[key, ...inner].join('.')}: ${issue.message}`;
    });
    throw new Error(`Invalid RouKey context: ${issues.join('; ')}`);
  }
  return parsed.data;
}
