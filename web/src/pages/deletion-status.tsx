import { useEffect } from 'preact/hooks';
import { useLocation } from 'wouter-preact';
import { DELETED_PATH, deletionToShow, forgetDeletion } from '../account/deletion-route.js';
import { JobProgress } from '../account/progress.js';
import { ErrorMessage, Loading } from '../ui/states.js';
import { useFollow } from '../ui/use-follow.js';

/** `GET /v1/deletions/{id}` (no sign-in; nothing personal in it). */
export interface DeletionStatus {
  readonly status: 'pending' | 'running' | 'done';
  /** 0–100. */
  readonly progress: number;
}

export const deletionFinished = (d: DeletionStatus) => d.status === 'done';

/** The public page a deleted account's person lands on: the deletion's progress until it is done (P20). */
export function DeletionStatusPage() {
  const [location, navigate] = useLocation();
  const id = deletionToShow(location, false);
  useEffect(() => {
    // Back from managed login's sign-out: the id moves from the tab's memory into the address.
    if (!id || location.startsWith(DELETED_PATH)) return;
    forgetDeletion();
    navigate(`${DELETED_PATH}${encodeURIComponent(id)}`, { replace: true });
  }, [id, location, navigate]);
  const loaded = useFollow<DeletionStatus>(id ? `/v1/deletions/${encodeURIComponent(id)}` : null, deletionFinished);
  return (
    <main id="main" class="public-page">
      <h1>Deleting your account</h1>
      {!loaded || loaded.state === 'loading' ? (
        <Loading what="the deletion's progress" />
      ) : loaded.state === 'error' ? (
        <ErrorMessage message={loaded.message} />
      ) : loaded.data.status === 'done' ? (
        <>
          <JobProgress label="Deletion progress" percent={100} />
          <p data-testid="deletion-status">Done: your account and everything RouKey held about you are deleted.</p>
          <p class="hint">
            Invoices and payments stay for 7 years, as the law requires, with nothing left that names you. Backups keep deleted data for up to 35 days.
          </p>
        </>
      ) : (
        <>
          <JobProgress label="Deletion progress" percent={loaded.data.progress} />
          <p data-testid="deletion-status">{loaded.data.status === 'pending' ? 'Waiting to start…' : 'Deleting…'} You can close this page.</p>
        </>
      )}
    </main>
  );
}
