import type { RequestHeaders } from '../../http/request-event.js';
import type { ModelKind } from '../../catalog/index.js';
import type { ProviderId } from '../../provider-ids.js';
import type { ProviderAdapter } from '../../providers/types.js';
import type { ApiKeyPrincipal } from '../ports.js';
import type { AbortSwitch } from '../transport/abort-switch.js';

/**
 * A chat request as the client sent it, in OpenAI's shape, before routing has chosen where it goes. `model` may
 * name one target (`<provider-key name>/<model id>`), a config (`roukey/<config name>`), or anything at all when
 * the API key is bound to a config (whose rules may match on it).
 */
export interface ClientChatRequest {
  /** The client's body as parsed; unknown fields are kept so OpenAI-format upstreams receive them unchanged. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The `model` field as sent ('' when the body only has `models`). */
  readonly model: string;
  /** OpenRouter-style inline fallback list (`models: [...]`), each `<provider-key name>/<model id>`. */
  readonly models?: readonly string[];
  readonly stream: boolean;
  /** Whether the client asked for the final usage chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
  /**
   * The kind of model the request needs (chat when absent): a target the catalog knows as the other kind is passed
   * over with a 400, and a config must route this kind.
   */
  readonly modelKind?: ModelKind;
  /**
   * For a front end whose wire format some providers serve themselves (the Responses API), or that is no chat at
   * all (embeddings): the adapter that sends the client's own request to `provider` (with the route's role prompt,
   * if any), or undefined to send the body above through the provider's own chat adapter. An adapter may refuse the request (an ApiError from `chatRequest`).
   */
  readonly adapterFor?: (provider: ProviderId, systemPrompt: string | undefined) => ProviderAdapter | undefined;
}

/** One authenticated request, as the engine takes it from a front end (lambdas/inbound/). */
export interface InboundRequest {
  readonly caller: ApiKeyPrincipal;
  readonly request: ClientChatRequest;
  readonly headers: RequestHeaders;
  /** When the request arrived (epoch ms): the time to first token counts from here. */
  readonly receivedAt: number;
  /** Aborts when the client leaves: ends the upstream call, and an LLM classifier's call in flight. */
  readonly clientSignal: AbortSwitch;
}
