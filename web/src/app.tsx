import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, Route, Switch, useLocation } from 'wouter-preact';
import { deletionToShow } from './account/deletion-route.js';
import { useMe } from './account/me.js';
import { PolicyNotice } from './account/policy-notice.js';
import { configureApi } from './api.js';
import { DASHBOARD_CALLBACK_PATH } from '../../lambdas/auth/dashboard-urls.js';
import { isLive, session, signOutHere, type SignInMethod, useSignInMethod } from './auth/session.js';
import { SignInPage } from './pages/sign-in.js';
import type { DashboardConfig } from './runtime-config.js';
import { DashboardConfigContext } from './ui/dashboard-config.js';
import { ErrorMessage, Loading } from './ui/states.js';

/** A page whose code loads when first opened, so the first load carries only the shell and the overview. */
function lazy(load: () => Promise<ComponentType>): FunctionComponent {
  let loaded: ComponentType | undefined;
  return function LazyPage() {
    const [Page, setPage] = useState<ComponentType | undefined>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (Page) return;
      load().then(
        (p) => {
          loaded = p;
          setPage(() => p);
        },
        () => setError('This page could not be loaded. Reload to try again.'),
      );
    }, [Page]);
    if (error) return <ErrorMessage message={error} />;
    return Page ? <Page /> : <Loading what="page" />;
  };
}

const PAGES = [
  { path: '/', label: 'Overview', page: lazy(() => import('./pages/overview.js').then((m) => m.OverviewPage)) },
  { path: '/requests', label: 'Requests', page: lazy(() => import('./pages/requests.js').then((m) => m.RequestsPage)) },
  { path: '/providers', label: 'Providers', page: lazy(() => import('./pages/providers.js').then((m) => m.ProvidersPage)) },
  { path: '/provider-keys', label: 'Provider keys', page: lazy(() => import('./pages/provider-keys.js').then((m) => m.ProviderKeysPage)) },
  { path: '/api-keys', label: 'API keys', page: lazy(() => import('./pages/api-keys.js').then((m) => m.ApiKeysPage)) },
  { path: '/configs', label: 'Routing configs', page: lazy(() => import('./pages/configs.js').then((m) => m.ConfigsPage)) },
  { path: '/roles', label: 'Roles', page: lazy(() => import('./pages/roles.js').then((m) => m.RolesPage)) },
  { path: '/billing', label: 'Plan and billing', page: lazy(() => import('./pages/billing.js').then((m) => m.BillingPage)) },
  { path: '/profile', label: 'Profile', page: lazy(() => import('./pages/profile.js').then((m) => m.ProfilePage)) },
  { path: '/privacy', label: 'Privacy', page: lazy(() => import('./pages/privacy.js').then((m) => m.PrivacyPage)) },
  { path: '/security', label: 'Security', page: lazy(() => import('./pages/security.js').then((m) => m.SecurityPage)) },
  { path: '/admin', label: 'Admin', page: lazy(() => import('./pages/admin.js').then((m) => m.AdminPage)), adminOnly: true },
] as const;

const ConfigEditorPage = lazy(() => import('./pages/config-editor.js').then((m) => m.ConfigEditorPage));
const DeletionStatusPage = lazy(() => import('./pages/deletion-status.js').then((m) => m.DeletionStatusPage));

export function App({ config, method }: { config: DashboardConfig; method: SignInMethod }) {
  const [location, navigate] = useLocation();
  // On narrow screens the navigation folds behind a button; choosing a page folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location]);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    useSignInMethod(method);
    configureApi({
      baseUrl: config.apiUrl,
      onExpired: () => {
        session.value = null;
        void method.begin(window.location.pathname + window.location.search);
      },
    });
    const boot = async () => {
      if (window.location.pathname === DASHBOARD_CALLBACK_PATH) {
        const { session: s, returnTo } = await method.complete();
        session.value = s;
        navigate(returnTo, { replace: true });
      } else {
        session.value = await method.restore();
      }
      setReady(true);
    };
    boot().catch((err: unknown) => {
      setError(err instanceof Error ? err.message : String(err));
      setReady(true);
    });
  }, [config, method, navigate]);

  const signedIn = isLive(session.value);
  const onSignInPage = location === '/sign-in';
  // A deleted account's person follows the deletion without a session.
  const deletion = ready ? deletionToShow(location, signedIn) : null;
  useEffect(() => {
    if (ready && !signedIn && !onSignInPage && !error && !deletion) void method.begin(window.location.pathname + window.location.search);
  }, [ready, signedIn, onSignInPage, error, method, deletion]);
  useMe(ready && signedIn);

  if (!ready) return <Loading what="your session" />;
  if (error) return <ErrorMessage message={error} />;
  if (deletion) return <DeletionStatusPage />;
  if (onSignInPage || !signedIn) {
    return <SignInPage config={config} method={method} />;
  }
  const s = session.value;
  return (
    <DashboardConfigContext.Provider value={config}>
      <div class="shell">
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <button type="button" class="menu-toggle secondary" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
            Menu
          </button>
          <span class="brand">RouKey</span>
          <span class="mode" title="How this dashboard signs in">
            {config.mode === 'local' ? 'Local (npm start, cognito-local)' : 'AWS (Cognito managed login)'}
          </span>
          <span class="who">{s?.email ?? ''}</span>
          <button type="button" class="link" onClick={() => void signOutHere()}>
            Sign out
          </button>
        </header>
        <nav id="main-nav" aria-label="Main" class={menuOpen ? 'open' : undefined}>
          <ul>
            {PAGES.filter((p) => !('adminOnly' in p) || s?.admin).map((p) => (
              <li key={p.path}>
                <Link href={p.path} aria-current={location === p.path ? 'page' : undefined}>
                  {p.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main">
          <PolicyNotice />
          <Switch>
            {PAGES.map((p) => (
              <Route key={p.path} path={p.path} component={p.page} />
            ))}
            <Route path="/configs/new" component={ConfigEditorPage} />
            <Route path="/configs/:name" component={ConfigEditorPage} />
            <Route>
              <p>
                There is no such page. <Link href="/">Back to the overview</Link>
              </p>
            </Route>
          </Switch>
        </main>
      </div>
    </DashboardConfigContext.Provider>
  );
}
