/**
 * Where managed login sends people back to the dashboard. Cognito compares redirect URLs exactly (scheme, host,
 * port and path, no wildcards), so each origin gets exactly these two URLs; the dashboard uses the same paths.
 */
export const DASHBOARD_CALLBACK_PATH = '/auth/callback';
export const DASHBOARD_SIGNED_OUT_PATH = '/';

/**
 * Origins of a dashboard on a developer's machine (`roukey:devCallbacks`): Vite's dev server and `npm start`'s
 * default port. Cognito allows plain http for `localhost` only, and only on the exact port registered.
 */
export const DEV_DASHBOARD_ORIGINS = ['http://localhost:5173', 'http://localhost:8787'] as const;

export interface DashboardRedirects {
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
}

/** The callback and sign-out URLs of each dashboard origin (an origin may carry a path prefix; a trailing `/` is dropped). */
export function dashboardRedirects(origins: readonly string[]): DashboardRedirects {
  const bases = origins.map((origin) => origin.replace(/\/+$/, ''));
  return {
    callbackUrls: bases.map((base) => `${base}${DASHBOARD_CALLBACK_PATH}`),
    logoutUrls: bases.map((base) => `${base}${DASHBOARD_SIGNED_OUT_PATH}`),
  };
}
