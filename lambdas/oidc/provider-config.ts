import { z } from 'zod';

const list = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );

/**
 * The GitHub OIDC provider's environment, set by lib/github-oidc.ts in AWS and by the local runtime: secrets come
 * from Secrets Manager (the `_ID` variables: a secret name or ARN) in AWS, or as values locally; the signing key is KMS's or a local file.
 */
const envSchema = z.object({
  GITHUB_OIDC_ISSUER: z.url(),
  GITHUB_OIDC_CLIENT_ID: z.string().min(1),
  GITHUB_OIDC_REDIRECT_URIS: list.pipe(z.array(z.url()).min(1, 'GITHUB_OIDC_REDIRECT_URIS must list at least one URL')),
  GITHUB_OIDC_CLIENT_SECRET_ID: z.string().min(1).optional(),
  GITHUB_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_SECRET_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_API_BASE: z.url().default('https://api.github.com'),
  GITHUB_WEB_BASE: z.url().default('https://github.com'),
  GITHUB_ORGS: list.transform((orgs) => orgs.map((org) => org.toLowerCase())),
  OIDC_SIGNING_KEY_ID: z.string().min(1).optional(),
  LOCAL_OIDC_SIGNING_KEY_FILE: z.string().min(1).optional(),
});

export type SecretSource = { readonly kind: 'secretsManager'; readonly secretId: string } | { readonly kind: 'value'; readonly value: string };

export interface ProviderConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly allowedOrgs: readonly string[];
  readonly clientSecret: SecretSource;
  /** In Secrets Manager: the JSON `{clientId, clientSecret}`; as values: both given. */
  readonly githubApp:
    | { readonly kind: 'secretsManager'; readonly secretId: string }
    | { readonly kind: 'value'; readonly clientId: string; readonly clientSecret: string };
  readonly github: { readonly apiBase: string; readonly webBase: string };
  readonly signingKey: { readonly kind: 'kms'; readonly keyId: string } | { readonly kind: 'local'; readonly file: string };
}

export function loadProviderConfig(env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const parsed = envSchema.parse(env);
  const required = (value: string | undefined, message: string) => z.string({ error: message }).parse(value);
  return {
    issuer: parsed.GITHUB_OIDC_ISSUER.replace(/\/+$/, ''),
    clientId: parsed.GITHUB_OIDC_CLIENT_ID,
    redirectUris: parsed.GITHUB_OIDC_REDIRECT_URIS,
    allowedOrgs: parsed.GITHUB_ORGS,
    clientSecret: parsed.GITHUB_OIDC_CLIENT_SECRET_ID
      ? { kind: 'secretsManager', secretId: parsed.GITHUB_OIDC_CLIENT_SECRET_ID }
      : { kind: 'value', value: required(parsed.GITHUB_OIDC_CLIENT_SECRET, 'GITHUB_OIDC_CLIENT_SECRET_ID or GITHUB_OIDC_CLIENT_SECRET must be set') },
    githubApp: parsed.GITHUB_SECRET_ID
      ? { kind: 'secretsManager', secretId: parsed.GITHUB_SECRET_ID }
      : {
          kind: 'value',
          clientId: required(parsed.GITHUB_CLIENT_ID, 'GITHUB_SECRET_ID or GITHUB_CLIENT_ID must be set'),
          clientSecret: required(parsed.GITHUB_CLIENT_SECRET, 'GITHUB_SECRET_ID or GITHUB_CLIENT_SECRET must be set'),
        },
    github: { apiBase: parsed.GITHUB_API_BASE, webBase: parsed.GITHUB_WEB_BASE },
    signingKey: parsed.OIDC_SIGNING_KEY_ID
      ? { kind: 'kms', keyId: parsed.OIDC_SIGNING_KEY_ID }
      : { kind: 'local', file: required(parsed.LOCAL_OIDC_SIGNING_KEY_FILE, 'OIDC_SIGNING_KEY_ID or LOCAL_OIDC_SIGNING_KEY_FILE must be set') },
  };
}
