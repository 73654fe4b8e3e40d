import { useState } from 'preact/hooks';
import { ACCOUNT_STATUSES } from '../../../lambdas/accounts/account-state.js';
import { PLAN_IDS } from '../../../lambdas/plans/catalog.js';
import { api, type List } from '../api.js';
import { session } from '../auth/session.js';
import { Empty, ErrorMessage, formatTime, PageHeader, Resource } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';

interface AdminAccountView {
  readonly id: string;
  readonly email: string | null;
  readonly plan: string;
  readonly status: string;
  readonly createdAt: string;
  readonly lastActiveAt: string | null;
  readonly requestsThisMonth: number;
}

export function AdminPage() {
  const admin = session.value?.admin === true;
  const [loaded, reload] = useApi<List<AdminAccountView>>(admin ? '/v1/admin/accounts' : null);
  const change = useAction();
  if (!admin) return <ErrorMessage message="This page is for administrators." />;
  const patch = (id: string, body: Record<string, string>) =>
    void change.run(() => api('PATCH', `/v1/admin/accounts/${encodeURIComponent(id)}`, body)).then(reload);
  return (
    <>
      <PageHeader title="Admin" />
      <Invite onInvited={reload} />
      <h2>Accounts</h2>
      <ErrorMessage message={change.error} />
      <Resource loaded={loaded} what="accounts">
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No accounts yet. Invite someone above.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Status</th>
                  <th scope="col">Requests this month</th>
                  <th scope="col">Last active</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((a) => (
                  <tr key={a.id}>
                    <td>{a.email ?? a.id}</td>
                    <td>
                      <select
                        aria-label={`Plan of ${a.email ?? a.id}`}
                        value={a.plan}
                        disabled={change.busy}
                        onChange={(e) => patch(a.id, { plan: e.currentTarget.value })}
                      >
                        {PLAN_IDS.map((p) => (
                          <option key={p}>{p}</option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select
                        aria-label={`Status of ${a.email ?? a.id}`}
                        value={a.status}
                        disabled={change.busy}
                        onChange={(e) => patch(a.id, { status: e.currentTarget.value })}
                      >
                        {ACCOUNT_STATUSES.map((s) => (
                          <option key={s}>{s}</option>
                        ))}
                      </select>
                    </td>
                    <td>{a.requestsThisMonth}</td>
                    <td>{formatTime(a.lastActiveAt)}</td>
                    <td>{formatTime(a.createdAt)}</td>
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
