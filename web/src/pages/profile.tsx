import { useState } from 'preact/hooks';
import { DATE_RANGES, SUPPORTED_LANGUAGES, THEMES } from '../../../lambdas/profile/preferences.js';
import { api } from '../api.js';
import { Avatar } from '../account/avatar.js';
import { type MeView, setMe } from '../account/me.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';

type Preferences = MeView['preferences'];

const RANGE_LABELS: Record<(typeof DATE_RANGES)[number], string> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};
const THEME_LABELS: Record<(typeof THEMES)[number], string> = { system: 'Follow the system', light: 'Light', dark: 'Dark' };

/** Every IANA zone this browser knows, with the saved one and UTC always offered. */
function timezones(current: string): string[] {
  return [...new Set([current, 'UTC', ...Intl.supportedValuesOf('timeZone')])].sort();
}

function languageName(tag: string): string {
  return new Intl.DisplayNames(['en'], { type: 'language' }).of(tag) ?? tag;
}

export function ProfilePage() {
  const [loaded, reload] = useApi<MeView>('/v1/me');
  return (
    <>
      <PageHeader title="Profile and preferences" />
      <PageState loaded={loaded} what="your profile" retry={reload}>
        {(view) => <Profile initial={view} />}
      </PageState>
    </>
  );
}

function Profile({ initial }: { initial: MeView }) {
  // Each form answers with the whole profile; what it shows next is that answer.
  const [view, setView] = useState(initial);
  const changed = (next: MeView) => setView(setMe(next));
  return (
    <>
      <Avatar view={view} onChanged={changed} />
      <DisplayName view={view} onChanged={changed} />
      <Email view={view} onChanged={changed} />
      <PreferencesForm preferences={view.preferences} onChanged={changed} />
    </>
  );
}

function DisplayName({ view, onChanged }: { view: MeView; onChanged: (v: MeView) => void }) {
  const [name, setName] = useState(view.displayName ?? '');
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    const next = await save.run(() => api<MeView>('PATCH', '/v1/me', { displayName: name.trim() || null }));
    if (next) {
      onChanged(next);
      setSaved(true);
    }
  };
  return (
    <form class="card" aria-labelledby="display-name-title" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="display-name-title">Name</h2>
      <label>
        Display name
        <input maxLength={80} autocomplete="name" value={name} placeholder="How RouKey greets you" onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <ErrorMessage message={save.error} />
      {saved && <p role="status">Name saved.</p>}
      <button type="submit" disabled={save.busy}>
        Save name
      </button>
    </form>
  );
}

/** A new address takes effect once the code Cognito mails to it is entered (P19); until then the old one stays. */
function Email({ view, onChanged }: { view: MeView; onChanged: (v: MeView) => void }) {
  const [email, setEmail] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const start = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    const sent = await action.run(() => api('POST', '/v1/me/email', { email: email.trim() }));
    if (sent) setPending(email.trim());
  };
  const verify = async (e: Event) => {
    e.preventDefault();
    const next = await action.run(() => api<MeView>('POST', '/v1/me/email/verify', { code: code.trim() }));
    if (next) {
      onChanged(next);
      setPending(null);
      setEmail('');
      setCode('');
      setDone(true);
    }
  };
  return (
    <section class="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p>
        You sign in and receive notices at <strong>{view.email ?? 'no address'}</strong>.
      </p>
      {pending === null ? (
        <form onSubmit={(e) => void start(e)}>
          <label>
            New email address
            <input type="email" required autocomplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={action.busy}>
            Send a verification code
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void verify(e)}>
          <p>We sent a code to {pending}. Your address changes once you enter it.</p>
          <label>
            Verification code
            <input
              required
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{4,10}"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
          <div class="row">
            <button type="submit" disabled={action.busy}>
              Verify
            </button>
            <button type="button" class="link" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorMessage message={action.error} />
      {done && <p role="status">Your email address is changed.</p>}
    </section>
  );
}

function PreferencesForm({ preferences, onChanged }: { preferences: Preferences; onChanged: (v: MeView) => void }) {
  const [draft, setDraft] = useState(preferences);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const edit = (change: Partial<Preferences>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...change }));
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const { timezone, language, dashboard, notifications } = draft;
    const next = await save.run(() =>
      api<MeView>('PATCH', '/v1/me', {
        timezone,
        language,
        dashboard,
        notifications: { productUpdates: notifications.productUpdates, billing: notifications.billing },
      }),
    );
    if (next) {
      onChanged(next);
      setSaved(true);
    }
  };
  return (
    <form class="card" aria-labelledby="preferences-title" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="preferences-title">Preferences</h2>
      <label>
        Time zone (days in usage and charts are cut here)
        <select value={draft.timezone} onChange={(e) => edit({ timezone: e.currentTarget.value })}>
          {timezones(preferences.timezone).map((tz) => (
            <option key={tz}>{tz}</option>
          ))}
        </select>
      </label>
      <label>
        Language of emails
        <select value={draft.language} onChange={(e) => edit({ language: e.currentTarget.value as Preferences['language'] })}>
          {SUPPORTED_LANGUAGES.map((tag) => (
            <option key={tag} value={tag}>
              {languageName(tag)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Default date range
        <select
          value={draft.dashboard.defaultDateRange}
          onChange={(e) => edit({ dashboard: { ...draft.dashboard, defaultDateRange: e.currentTarget.value as Preferences['dashboard']['defaultDateRange'] } })}
        >
          {DATE_RANGES.map((r) => (
            <option key={r} value={r}>
              {RANGE_LABELS[r]}
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t} class="inline">
            <input
              type="radio"
              name="theme"
              value={t}
              checked={draft.dashboard.theme === t}
              onChange={() => edit({ dashboard: { ...draft.dashboard, theme: t } })}
            />
            {THEME_LABELS[t]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Emails</legend>
        <label class="inline">
          <input type="checkbox" checked disabled aria-describedby="security-always" />
          Security notices
        </label>
        <p id="security-always" class="hint">
          Always sent: sign-ins you may not have made, keys refused, your account changed.
        </p>
        <label class="inline">
          <input
            type="checkbox"
            checked={draft.notifications.billing}
            onChange={(e) => edit({ notifications: { ...draft.notifications, billing: e.currentTarget.checked } })}
          />
          Billing notices
        </label>
        <label class="inline">
          <input
            type="checkbox"
            checked={draft.notifications.productUpdates}
            onChange={(e) => edit({ notifications: { ...draft.notifications, productUpdates: e.currentTarget.checked } })}
          />
          Product updates (only if you want them)
        </label>
      </fieldset>
      <ErrorMessage message={save.error} />
      {saved && <p role="status">Preferences saved.</p>}
      <button type="submit" disabled={save.busy}>
        Save preferences
      </button>
    </form>
  );
}
