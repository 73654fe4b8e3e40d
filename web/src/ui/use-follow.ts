import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { POLL_INTERVAL_MS } from './poll.js';
import type { Loaded } from './use-api.js';

/**
 * Follows a job's status (an export, a deletion): GETs `path` every POLL_INTERVAL_MS until `finished` says so, the
 * API refuses, or the page goes away. `null` follows nothing.
 */
export function useFollow<T>(path: string | null, finished: (data: T) => boolean): Loaded<T> | null {
  const [loaded, setLoaded] = useState<Loaded<T> | null>(null);
  useEffect(() => {
    setLoaded(path === null ? null : { state: 'loading' });
    if (path === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () =>
      api<T>('GET', path).then(
        (data) => {
          if (!live) return;
          setLoaded({ state: 'ready', data });
          if (!finished(data)) timer = setTimeout(tick, POLL_INTERVAL_MS);
        },
        (err: unknown) => live && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `finished` is a module-level predicate; the path alone says what is followed.
  }, [path]);
  return loaded;
}
