import type { Paged } from '../ui/use-paged.js';
import { ErrorMessage } from '../ui/states.js';

/** "Show more" under a paged list, while the API has more; its refusal is shown beside it. */
export function MoreButton<T>({ paged, label }: { paged: Paged<T>; label: string }) {
  return (
    <>
      <ErrorMessage message={paged.moreError} />
      {paged.hasMore && (
        <button type="button" disabled={paged.moreBusy} onClick={paged.loadMore}>
          {label}
        </button>
      )}
    </>
  );
}
