import type { SecurityEventView } from '../../../lambdas/security/security-events-service.js';
import { api } from '../api.js';
import { signOutHere } from '../auth/session.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { DataTable } from '../components/data-table.js';
import { PageState } from '../components/page-state.js';
import { MoreButton } from '../components/more-button.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction } from '../ui/use-api.js';
import { usePaged } from '../ui/use-paged.js';

/** Where an event came from, as one line: address, place, device or browser. */
function origin(e: SecurityEventView): string {
  const place = [e.city, e.country].filter(Boolean).join(', ');
  return [e.sourceIp, place, e.device ?? e.userAgent].filter(Boolean).join(' · ') || '—';
}

function rowKey(e: SecurityEventView): string {
  return `${e.source}:${e.time}:${e.kind}:${e.keyPrefix ?? ''}:${e.route ?? ''}:${e.sourceIp ?? ''}`;
}

export function SecurityPage() {
  const events = usePaged<SecurityEventView>('/v1/security-events');
  return (
    <>
      <PageHeader title="Security" />
      <SignOutEverywhere />
      <PageState loaded={events.loaded} what="security events" retry={events.reload}>
        {(all) => (
          <>
            <SignIns events={all.filter((e) => e.source === 'cognito')} />
            <RouKeyEvents events={all.filter((e) => e.source === 'roukey')} />
            <MoreButton paged={events} label="Show older events" />
          </>
        )}
      </PageState>
    </>
  );
}

function SignOutEverywhere() {
  const signOut = useAction();
  return (
    <section class="card" aria-labelledby="sign-out-everywhere">
      <h2 id="sign-out-everywhere">Sign out everywhere</h2>
      <p>Revokes every refresh token of yours: other devices are signed out when their access token expires (within 15 minutes).</p>
      <ErrorMessage message={signOut.error} />
      <ConfirmButton
        label="Sign out everywhere"
        subject="on every device, this one included"
        question="Sign out on every device, this one included?"
        disabled={signOut.busy}
        onConfirm={() =>
          void signOut
            .run(async () => {
              await api('POST', '/v1/me/sign-out');
              return true;
            })
            .then((done) => (done ? signOutHere() : undefined))
        }
      />
    </section>
  );
}

/** The user pool's sign-in events (P8): what Cognito's threat protection recorded, with its risk verdict. */
function SignIns({ events }: { events: SecurityEventView[] }) {
  return (
    <>
      <h2>Sign-in history</h2>
      <DataTable
        caption="Sign-in history"
        captionHidden
        rows={events}
        rowKey={rowKey}
        empty="No sign-ins recorded. The user pool records them with Cognito's threat protection (the Plus feature plan); the local runtime records none."
        columns={[
          { header: 'Time', cell: (e) => formatTime(e.time) },
          { header: 'Event', cell: (e) => e.kind.replaceAll('_', ' ') },
          { header: 'From', cell: origin },
          {
            header: 'Risk',
            cell: (e) =>
              [e.risk?.level, e.risk?.decision, e.risk?.compromisedCredentials ? 'compromised credentials' : undefined].filter(Boolean).join(' · ') || '—',
          },
        ]}
      />
    </>
  );
}

/** RouKey's own security events: refused keys, admin changes to the account, and the like. */
function RouKeyEvents({ events }: { events: SecurityEventView[] }) {
  return (
    <>
      <h2>Security events</h2>
      <DataTable
        caption="Security events"
        captionHidden
        rows={events}
        rowKey={rowKey}
        empty="No security events: no refused keys, no admin changes to your account."
        columns={[
          { header: 'Time', cell: (e) => formatTime(e.time) },
          { header: 'Event', cell: (e) => `${e.kind.replaceAll('_', ' ')}${e.code ? ` (${e.code})` : ''}` },
          { header: 'Count', numeric: true, cell: (e) => e.count },
          { header: 'Key', cell: (e) => (e.keyPrefix ? <code>{e.keyPrefix}</code> : '—') },
          { header: 'Route', cell: (e) => e.route ?? '—' },
          { header: 'From', cell: origin },
        ]}
      />
    </>
  );
}
