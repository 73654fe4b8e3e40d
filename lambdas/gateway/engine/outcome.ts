import type { CatalogEntry } from '../../catalog/index.js';
import type { ProviderId } from '../../provider-ids.js';
import type { RouteDecision } from '../../routing/decision.js';
import type { AttemptRecord } from '../../store/activity-record.js';
import type { Metering } from './stream-meter.js';

/** The target the attempt loop last got ready to call: the one that answered, when one did. */
export interface ChosenTarget {
  /** As the caller names models (`<provider-key name>/<model>`), so it can be sent back as is. */
  readonly name: string;
  readonly provider: ProviderId;
  readonly providerKeyId: string;
  /** The model id sent upstream. */
  readonly model: string;
  /** The model's catalog entry, when the catalog knows it: capabilities and prices. */
  readonly catalog?: CatalogEntry;
}

/** What the LLM role classifier's own call used: the account pays its provider for it. */
export interface ClassifierUsage {
  readonly tokens: number;
  readonly costUsd?: number;
}

/** What the engine did for one request; the front end builds the response headers and the activity record from it. */
export interface RouteOutcome {
  /** Where routing sent the request; absent when it failed before deciding. */
  readonly decision?: RouteDecision;
  readonly classifierUsage?: ClassifierUsage;
  /** For a config route: its eligible targets' catalog entries (the reference cost is priced on them). */
  readonly referenceEntries?: readonly CatalogEntry[];
  /** Every target tried or passed over, in order. */
  readonly attempts: readonly AttemptRecord[];
  /** Upstream calls made, retries included. */
  readonly calls: number;
  readonly target?: ChosenTarget;
  /** What the answer told about itself: complete once the answer has been delivered. */
  readonly metering?: Metering;
}

/** The outcome of a request that failed before routing decided anything. */
export const NOTHING_ROUTED: RouteOutcome = Object.freeze({ attempts: Object.freeze([]), calls: 0 });

/** A routed request: what `deliver` returned once an answer was delivered, or the failure; the outcome either way. */
export type Routed<T> =
  | { readonly ok: true; readonly delivered: T; readonly outcome: RouteOutcome }
  | { readonly ok: false; readonly error: unknown; readonly outcome: RouteOutcome };
