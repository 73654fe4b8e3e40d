/** What the gateway's abort plumbing needs of a signal: an `AbortSignal` fits, and so does an `AbortSwitch`. */
export interface AbortHook {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * An abort signal and its controller in one, without an AbortController: making one, and adding or removing a
 * listener on its signal (an EventTarget), is costly next to a plain object, and the hot path needs one for the
 * client of each request and one per upstream call. Callers whose API takes a real AbortSignal (the AWS SDK for
 * Bedrock, `AbortSignal.any`) get one made on demand.
 */
export class AbortSwitch implements AbortHook {
  aborted = false;
  private listeners: (() => void)[] = [];
  private controller: AbortController | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  /** Runs each listener once, as `{ once: true }` would. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
    this.controller?.abort();
  }

  asAbortSignal(): AbortSignal {
    this.controller ??= new AbortController();
    if (this.aborted) this.controller.abort();
    return this.controller.signal;
  }
}
