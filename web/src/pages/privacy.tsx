import { useState } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { api } from '../api.js';
import { DELETED_PATH, rememberDeletion } from '../account/deletion-route.js';
import { type MeView, setMe } from '../account/me.js';
import { formatBytes, JobProgress } from '../account/progress.js';
import { endSessionHere } from '../auth/session.js';
import { PageState } from '../components/page-state.js';
import { ErrorMessage, formatTime, PageHeader } from '../ui/states.js';
import { useAction, useApi } from '../ui/use-api.js';
import { useFollow } from '../ui/use-follow.js';

/** `GET /v1/me/exports/{id}` (issue 20): `url` is a presigned link, valid 15 minutes, once `ready`. */
export interface ExportStatus {
  readonly status: 'queued' | 'running' | 'ready' | 'failed';
  /** 0–100. */
  readonly progress: number;
  readonly sizeBytes?: number | null;
  readonly url?: string | null;
}

const exportFinished = (e: ExportStatus) => e.status === 'ready' || e.status === 'failed';
/** The export this tab follows, so a reload picks its progress up again (an id, nothing personal). */
const EXPORT_KEY = 'roukey.export-id';

export function PrivacyPage() {
  const [loaded, reload] = useApi<MeView>('/v1/me');
  return (
    <>
      <PageHeader title="Privacy" />
      <PageState loaded={loaded} what="your privacy settings" retry={reload}>
        {(view) => (
          <>
            <Consent view={view} onAccepted={reload} />
            <Export />
            <DeleteAccount view={view} />
          </>
        )}
      </PageState>
    </>
  );
}

/** The policy version accepted, and the form to accept the current one when it changed (P24, P25). */
function Consent({ view, onAccepted }: { view: MeView; onAccepted: () => void }) {
  const [over13, setOver13] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const accept = useAction();
  const due = view.consentRequired || view.policyUpdate;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const done = await accept.run(async () => {
      await api('POST', '/v1/me/consent', { policyVersion: view.currentPolicyVersion, over13: true });
      return setMe(await api<MeView>('GET', '/v1/me'));
    });
    if (done) onAccepted();
  };
  return (
    <section class="card" aria-labelledby="consent-title">
      <h2 id="consent-title">Privacy policy</h2>
      <p>
        The current privacy policy is version <strong>{view.currentPolicyVersion}</strong>.{' '}
        {view.consent
          ? `You accepted version ${view.consent.policyVersion} on ${formatTime(view.consent.acceptedAt)} and confirmed you are 13 or older.`
          : 'You have not accepted it yet.'}
      </p>
      {due && (
        <form onSubmit={(e) => void onSubmit(e)}>
          <label class="inline">
            <input type="checkbox" required checked={over13} onChange={(e) => setOver13(e.currentTarget.checked)} />I am 13 or older
          </label>
          <label class="inline">
            <input type="checkbox" required checked={accepted} onChange={(e) => setAccepted(e.currentTarget.checked)} />I accept the privacy policy, version{' '}
            {view.currentPolicyVersion}
          </label>
          <ErrorMessage message={accept.error} />
          <button type="submit" disabled={accept.busy}>
            Accept the policy
          </button>
        </form>
      )}
    </section>
  );
}

/** An export of everything RouKey holds about the account (P18): requested, followed, downloaded. */
function Export() {
  const [exportId, setExportId] = useState(() => sessionStorage.getItem(EXPORT_KEY));
  const request = useAction();
  const followed = useFollow<ExportStatus>(exportId ? `/v1/me/exports/${encodeURIComponent(exportId)}` : null, exportFinished);
  const inFlight = followed?.state === 'loading' || (followed?.state === 'ready' && !exportFinished(followed.data));
  const start = async () => {
    const created = await request.run(() => api<{ exportId: string }>('POST', '/v1/me/export'));
    if (!created) return;
    sessionStorage.setItem(EXPORT_KEY, created.exportId);
    setExportId(created.exportId);
  };
  return (
    <section class="card" aria-labelledby="export-title">
      <h2 id="export-title">Export your data</h2>
      <p>
        One file (gzipped JSON) with everything RouKey holds about you: profile, preferences, consents, configs, roles, keys (never their secrets), usage,
        request metadata, security events and billing records. The download link works for 15 minutes; the file is deleted after 7 days.
      </p>
      {followed?.state === 'error' && <ErrorMessage message={followed.message} />}
      {followed?.state === 'ready' && <ExportProgress status={followed.data} />}
      <ErrorMessage message={request.error} />
      <button type="button" disabled={request.busy || inFlight} onClick={() => void start()}>
        {exportId ? 'Request a new export' : 'Request an export'}
      </button>
    </section>
  );
}

function ExportProgress({ status }: { status: ExportStatus }) {
  if (status.status === 'failed') return <ErrorMessage message="The export failed. Request a new one." />;
  if (status.status !== 'ready' || !status.url)
    return (
      <>
        <JobProgress label="Export progress" percent={status.progress} />
        <p>{status.status === 'queued' ? 'Waiting to start…' : 'Collecting your data…'}</p>
      </>
    );
  return (
    <p>
      <a class="button" href={status.url} download>
        Download your data{status.sizeBytes ? ` (${formatBytes(status.sizeBytes)})` : ''}
      </a>
    </p>
  );
}

/**
 * Deletion (P20): the person types their email address, the API hands a confirmation token for it, and `DELETE
 * /v1/me` takes that token; a 403 names what else is needed (a fresh sign-in). Then the session ends here and the
 * public status page follows the deletion.
 */
function DeleteAccount({ view }: { view: MeView }) {
  const [, navigate] = useLocation();
  const [typed, setTyped] = useState('');
  const remove = useAction();
  const expected = view.email ?? 'delete my account';
  const matches = typed.trim().toLowerCase() === expected.toLowerCase();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!matches) return;
    const deleted = await remove.run(async () => {
      const { token } = await api<{ token: string }>('POST', '/v1/me/deletion-token');
      return api<{ deletionId: string }>('DELETE', '/v1/me', { confirmation: token });
    });
    if (!deleted) return;
    rememberDeletion(deleted.deletionId);
    sessionStorage.removeItem(EXPORT_KEY);
    navigate(`${DELETED_PATH}${encodeURIComponent(deleted.deletionId)}`, { replace: true });
    await endSessionHere();
  };
  return (
    <form class="card danger-zone" aria-labelledby="delete-title" onSubmit={(e) => void onSubmit(e)}>
      <h2 id="delete-title">Delete your account</h2>
      <p>
        Deletes your account and everything in it: keys, configs, roles, usage, request records, your picture and exports. Your API keys stop working at once.
        Invoices and payments are kept for 7 years, as the law requires, without anything that names you. This cannot be undone.
      </p>
      <label>
        To confirm, type {view.email ? 'your email address' : '“delete my account”'}: {expected}
        <input autocomplete="off" spellcheck={false} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
      </label>
      <ErrorMessage message={remove.error} />
      <button type="submit" class="danger solid" disabled={!matches || remove.busy}>
        Delete my account
      </button>
    </form>
  );
}
