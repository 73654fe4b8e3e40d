import type { ComponentChildren } from 'preact';
import { Empty, ErrorMessage, Loading } from '../ui/states.js';
import type { Loaded } from '../ui/use-api.js';

/**
 * A page's (or section's) data in its three states before the content: loading; the API's own error message with
 * a way to try again; and, when `isEmpty` says so, `empty`, which tells what to do first.
 */
export function PageState<T>({
  loaded,
  what,
  isEmpty,
  empty,
  retry,
  children,
}: {
  loaded: Loaded<T>;
  /** What is loading, in words: "API keys". */
  what: string;
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  retry?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'error')
    return (
      <div class="error-state">
        <ErrorMessage message={loaded.message} />
        {retry && (
          <button type="button" class="link" onClick={retry}>
            Try again
          </button>
        )}
      </div>
    );
  if (isEmpty?.(loaded.data)) return <Empty>{empty}</Empty>;
  return <>{children(loaded.data)}</>;
}
