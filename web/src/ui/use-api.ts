import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly message: string; readonly code?: string | null }
  | { readonly state: 'ready'; readonly data: T };

/** A GET against the API, with its loading and error states, and `reload` after a change. */
export function useApi<T>(path: string | null): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    api<T>('GET', path).then(
      (data) => current && setLoaded({ state: 'ready', data }),
      (err: unknown) =>
        current && setLoaded({ state: 'error', message: err instanceof Error ? err.message : String(err), code: err instanceof ApiError ? err.code : null }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  return [loaded, useCallback(() => setGeneration((g) => g + 1), [])];
}

/** Runs one change (POST, PATCH, DELETE) and keeps its error message for the form that sent it. */
export function useAction(): { busy: boolean; error: string | null; run: <T>(action: () => Promise<T>) => Promise<T | undefined>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(action: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
