/**
 * The dashboard's security headers, one definition for CloudFront's response headers policy (lib/web.ts) and the
 * local gateway's static site (lib/local/web-site.ts), so `npm start` tests the policy AWS serves.
 */

/**
 * No inline script and no eval anywhere (the build emits only script files); style sheets only from the site
 * itself, but style attributes allowed (CodeMirror writes some of its layout as `style` attributes; an attribute
 * cannot run script); the page may call only itself and `connect` (the API, Cognito); images only from the site and
 * `uploads` (the avatars bucket, which the page also posts avatar uploads to); no framing, no plugins, no form posts
 * elsewhere.
 */
export function dashboardCsp(connect: readonly string[], uploads: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    `img-src ${["'self'", 'data:', ...uploads].join(' ')}`,
    "font-src 'self'",
    `connect-src ${["'self'", ...connect, ...uploads].join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Two years, as the API's own responses (lambdas/http) announce it. */
export const HSTS_SECONDS = 63_072_000;

/** The headers besides CSP, as plain header lines (the local server sends them; CloudFront's policy names each). */
export const DASHBOARD_HEADERS = {
  'strict-transport-security': `max-age=${HSTS_SECONDS}; includeSubDomains`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;
