/** A class of errors to catch, e.g. ApiError or an SDK's APIError. */
type ErrorClass<E> = abstract new (...args: any[]) => E;

/** The `type` error `fn` throws, or undefined when it throws nothing; any other error propagates to fail the test. */
export function thrownBy<E>(type: ErrorClass<E>, fn: () => unknown): E | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
}

/** The `type` error `fn` throws; fails the test when it throws nothing. */
export function expectThrown<E>(type: ErrorClass<E>, fn: () => unknown): E {
  const err = thrownBy(type, fn);
  if (err === undefined) throw new Error('expected the call to throw');
  return err;
}

/** The `type` error `call` rejects with (fails the test when it resolves; any other error propagates). */
export async function rejectionOf<E>(type: ErrorClass<E>, call: Promise<unknown>): Promise<E> {
  try {
    await call;
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
