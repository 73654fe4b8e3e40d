/** How often a page asks again while it follows something that happens elsewhere (an upload's check, a job). */
export const POLL_INTERVAL_MS = 1_000;

/** Calls `attempt` until it answers something or `deadlineMs` passes (then undefined); its errors end the wait. */
export async function poll<T>(deadlineMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
