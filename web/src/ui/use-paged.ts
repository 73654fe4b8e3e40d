import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type List } from '../api.js';
import type { Loaded } from './use-api.js';

export interface Paged<T> {
  /** Every row read so far, the first page's first. */
  readonly loaded: Loaded<T[]>;
  /** Whether the API has more after them. */
  readonly hasMore: boolean;
  /** Reads the next page and appends it; its refusal is `moreError`. */
  readonly loadMore: () => void;
  readonly moreBusy: boolean;
  readonly moreError: string | null;
  /** Starts again from the first page (after a change). */
  readonly reload: () => void;
}

/** A cursor-paged list (`next_cursor`, docs/api.md): the first page, then older ones on demand. */
export function usePaged<T>(path: string | null): Paged<T> {
  const [loaded, setLoaded] = useState<Loaded<T[]>>({ state: 'loading' });
  const [cursor, setCursor] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

  useEffect(() => {
    if (path === null) return;
    let current = true;
    api<List<T>>('GET', path).then(
      (list) => {
        if (!current) return;
        setLoaded({ state: 'ready', data: list.data });
        setCursor(list.next_cursor ?? null);
      },
      (err: unknown) => current && setLoaded({ state: 'error', message: message(err) }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);

  const loadMore = useCallback(() => {
    if (path === null || cursor === null || loaded.state !== 'ready') return;
    setMoreBusy(true);
    setMoreError(null);
    const separator = path.includes('?') ? '&' : '?';
    api<List<T>>('GET', `${path}${separator}cursor=${encodeURIComponent(cursor)}`)
      .then(
        (list) => {
          setLoaded({ state: 'ready', data: [...loaded.data, ...list.data] });
          setCursor(list.next_cursor ?? null);
        },
        (err: unknown) => setMoreError(message(err)),
      )
      .finally(() => setMoreBusy(false));
  }, [path, cursor, loaded]);

  const reload = useCallback(() => {
    setMoreError(null);
    setGeneration((g) => g + 1);
  }, []);
  return { loaded, hasMore: cursor !== null, loadMore, moreBusy, moreError, reload };
}
