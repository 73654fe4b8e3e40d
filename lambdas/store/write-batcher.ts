/**
 * Groups item writes that arrive close together into one BatchWriteItem call (up to 25 items), so the per-call
 * cost of the SDK and the table is paid once per batch. A Lambda container serves one request at a time, so
 * there each batch holds one item and `windowMs` is 0; the local runtime, serving many requests in one process,
 * sets a window (ACTIVITY_BATCH_WINDOW_MS) so metadata writes do not compete with the responses.
 */
export const MAX_BATCH_ITEMS = 25;

/** Writes `items`; returns those the table left unprocessed (to be retried). */
export type BatchWrite<T> = (items: T[]) => Promise<T[]>;

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const RETRY_DELAYS_MS = [25, 100, 400] as const;

export function createWriteBatcher<T>(write: BatchWrite<T>, options: { windowMs: number }): (item: T) => Promise<void> {
  const queue: Pending<T>[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = false;

  async function writeWithRetries(items: T[]): Promise<void> {
    let left = await write(items);
    for (const delay of RETRY_DELAYS_MS) {
      if (left.length === 0) return;
      await new Promise((r) => setTimeout(r, delay));
      left = await write(left);
    }
    if (left.length > 0) throw new Error(`${left.length} items left unprocessed after retries`);
  }

  async function flush(): Promise<void> {
    timer = undefined;
    flushing = true;
    try {
      // Items queued while a batch is in flight go out in the next one, without waiting for another window.
      while (queue.length > 0) {
        const batch = queue.splice(0, MAX_BATCH_ITEMS);
        await writeWithRetries(batch.map((p) => p.item)).then(
          () => batch.forEach((p) => p.resolve()),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        );
      }
    } finally {
      flushing = false;
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (flushing) return;
      if (queue.length >= MAX_BATCH_ITEMS || options.windowMs <= 0) {
        clearTimeout(timer);
        void flush();
      } else {
        timer ??= setTimeout(() => void flush(), options.windowMs);
      }
    });
}
