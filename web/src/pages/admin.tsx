import { useState } from 'preact/hooks';
import { ACCOUNT_STATUSES } from '../../../lambdas/accounts/account-state.js';
import { PLAN_IDS } from '../../../lambdas/plans/catalog.js';
import type { AdminAccountView } from '../../../lambdas/admin/admin-service.js';
import { api } from '../api.js';
import { session } from '../auth/session.js';
import { DataTable } from '../components/data-table.js';
import { MoreButton } from '../components/more-button.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction } from '../ui/use-api.js';
import { usePaged } from '../ui/use-paged.js';

export function AdminPage() {
  const admin = session.value?.admin === true;
  const accounts = usePaged<AdminAccountView>(admin ? '/v1/admin/accounts' : null);
  const change = useAction();
  if (!admin) return <ErrorMessage message="This page is for administrators." />;
  const patch = (a: AdminAccountView, body: { plan?: string; status?: string }) =>
    void change.run(() => api('PATCH', `/v1/admin/accounts/${encodeURIComponent(a.id)}`, body)).then(accounts.reload);
  return (
    <>
      <PageHeader title="Admin" />
      <Invite onInvited={accounts.reload} />
      <h2>Accounts</h2>
      <ErrorMessage message={change.error} />
      <PageState loaded={accounts.loaded} what="accounts" retry={accounts.reload}>
        {(rows) => (
          <>
            <DataTable
              caption="Accounts"
              captionHidden
              rows={rows}
              rowKey={(a) => a.id}
              empty="No accounts yet. Invite someone above."
              columns={[
                { header: 'Email', cell: (a) => a.email ?? a.id },
                {
                  header: 'Plan',
                  cell: (a) => (
                    <select
                      aria-label={`Plan of ${a.email ?? a.id}`}
                      value={a.plan}
                      disabled={change.busy}
                      onChange={(e) => patch(a, { plan: e.currentTarget.value })}
                    >
                      {PLAN_IDS.map((p) => (
                        <option key={p}>{p}</option>
                      ))}
                    </select>
                  ),
                },
                {
                  header: 'Status',
                  cell: (a) => (
                    <select
                      aria-label={`Status of ${a.email ?? a.id}`}
                      value={a.status}
                      disabled={change.busy}
                      onChange={(e) => patch(a, { status: e.currentTarget.value })}
                    >
                      {ACCOUNT_STATUSES.map((s) => (
                        <option key={s}>{s}</option>
                      ))}
                    </select>
                  ),
                },
                { header: 'Requests this month', numeric: true, cell: (a) => a.requestsThisMonth },
                { header: 'Last active', cell: (a) => formatTime(a.lastActiveAt) },
                { header: 'Created', cell: (a) => formatTime(a.createdAt) },
              ]}
            />
            <MoreButton paged={accounts} label="Show more accounts" />
          </>
        )}
      </PageState>
    </>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [plan, setPlan] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const invite = useAction();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setDone(null);
    const sent = await invite.run(() => api('POST', '/v1/admin/invitations', { email: email.trim(), ...(plan ? { plan } : {}) }));
    if (sent) {
      setDone(`Invited ${email.trim()}: Cognito emails them a temporary password.`);
      setEmail('');
      onInvited();
    }
  };
  return (
    <form class="card" aria-labelledby="invite" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="invite">Invite someone</h2>
      <label>
        Email
        <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      </label>
      <label>
        Plan
        <select value={plan} onChange={(e) => setPlan(e.currentTarget.value)}>
          <option value="">The default plan</option>
          {PLAN_IDS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <ErrorMessage message={invite.error} />
      {done && <p role="status">{done}</p>}
      <button type="submit" disabled={invite.busy}>
        Send invitation
      </button>
    </form>
  );
}
