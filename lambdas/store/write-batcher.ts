/**
 * Groups item writes that arrive close together into one BatchWriteItem call (up to 25 items), so the per-call
 * cost of the SDK and the table is paid once per batch. A Lambda container serves one request at a time, so
 * there each batch holds one item and `windowMs` is 0; the local runtime, serving many requests in one process,
 * sets a window (lib/local/activity-writer-thread.ts) so metadata writes do not compete with the responses.
 */
export const MAX_BATCH_ITEMS = 25;
/** Calls to the table at once; beyond that, items wait in the queue (and so go in full batches). */
export const MAX_IN_FLIGHT = 4;

/** Writes `items`; returns those the table left unprocessed (to be retried). */
export type BatchWrite<T> = (items: T[]) => Promise<T[]>;

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const RETRY_DELAYS_MS = [25, 100, 400] as const;

/** Every batcher's flush, for a process that is about to stop (the local runtime's Ctrl-C). */
const flushes = new Set<() => Promise<void>>();

/** Sends what every batcher has queued without waiting for its window; resolves once none has a call in flight. */
export async function flushWriteBatchers(): Promise<void> {
  await Promise.all([...flushes].map((flush) => flush()));
}

export function createWriteBatcher<T>(write: BatchWrite<T>, options: { windowMs: number }): (item: T) => Promise<void> {
  const queue: Pending<T>[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** The oldest queued item has waited its window: a partial batch may go. */
  let due = false;
  const inFlight = new Set<Promise<void>>();

  async function writeWithRetries(items: T[]): Promise<void> {
    let left = await write(items);
    for (const delay of RETRY_DELAYS_MS) {
      if (left.length === 0) return;
      await new Promise((r) => setTimeout(r, delay));
      left = await write(left);
    }
    if (left.length > 0) throw new Error(`${left.length} items left unprocessed after retries`);
  }

  // A full batch goes at once; a partial one only once its window has passed. Sending whatever trickled in
  // during the previous call made small batches under steady load, and the SDK's cost is mostly per call.
  // At most MAX_IN_FLIGHT calls run at once, so a table slower than the traffic gets full batches, not a pile-up.
  function pump(): void {
    while (inFlight.size < MAX_IN_FLIGHT && queue.length > 0 && (queue.length >= MAX_BATCH_ITEMS || due || options.windowMs <= 0)) {
      const batch = queue.splice(0, MAX_BATCH_ITEMS);
      const call: Promise<void> = writeWithRetries(batch.map((p) => p.item))
        .then(
          () => batch.forEach((p) => p.resolve()),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          inFlight.delete(call);
          pump();
        });
      inFlight.add(call);
    }
    if (queue.length === 0) {
      due = false;
      clearTimeout(timer);
      timer = undefined;
    } else if (!due) {
      timer ??= setTimeout(() => {
        timer = undefined;
        due = true;
        pump();
      }, options.windowMs);
    }
  }

  flushes.add(async () => {
    while (queue.length > 0 || inFlight.size > 0) {
      if (queue.length > 0) {
        due = true;
        pump();
      }
      await Promise.race(inFlight);
    }
  });

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
