import { api, type List } from '../api.js';
import { signOutHere } from '../auth/session.js';
import { Empty, ErrorMessage, formatTime, PageHeader, Resource } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';

interface SecurityEventView {
  readonly time: string;
  readonly kind: string;
  readonly count: number;
  readonly keyPrefix: string | null;
  readonly code: string | null;
  readonly route: string | null;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly country: string | null;
}

export function SecurityPage() {
  const [loaded] = useApi<List<SecurityEventView>>('/v1/security-events');
  const signOut = useAction();
  return (
    <>
      <PageHeader title="Security" />
      <section class="card" aria-labelledby="sign-out-everywhere">
        <h2 id="sign-out-everywhere">Sign out everywhere</h2>
        <p>Revokes every refresh token of yours: other devices are signed out when their access token expires (within 15 minutes).</p>
        <ErrorMessage message={signOut.error} />
        <button
          type="button"
          class="danger"
          disabled={signOut.busy}
          onClick={() => {
            if (window.confirm('Sign out on every device, this one included?'))
              void signOut.run(() => api('POST', '/v1/me/sign-out')).then(() => (signOut.error ? undefined : signOutHere()));
          }}
        >
          Sign out everywhere
        </button>
      </section>
      <h2>Security events</h2>
      <Resource loaded={loaded} what="security events">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No security events: no refused keys, no admin changes to your account.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Event</th>
                  <th scope="col">Count</th>
                  <th scope="col">Key</th>
                  <th scope="col">Route</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((e) => (
                  <tr key={`${e.time}:${e.kind}:${e.keyPrefix ?? ''}:${e.route ?? ''}`}>
                    <td>{formatTime(e.time)}</td>
                    <td>
                      {e.kind}
                      {e.code ? ` (${e.code})` : ''}
                    </td>
                    <td>{e.count}</td>
                    <td>{e.keyPrefix ?? '—'}</td>
                    <td>{e.route ?? '—'}</td>
                    <td>{[e.sourceIp, e.country, e.userAgent].filter(Boolean).join(' · ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Resource>
    </>
  );
}
