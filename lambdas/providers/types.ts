import type { ProviderId } from '../provider-ids.js';

/**
 * The contract every wire format implements. The gateway speaks OpenAI's chat shapes; an adapter translates
 * them to its provider's wire format and back, so the gateway never knows which provider it is talking to.
 */

/** A provider key ready to call its upstream with. `apiKey` is plaintext: memory only, never logged or returned. */
export interface UpstreamCredentials {
  readonly providerKeyId: string;
  readonly name: string;
  readonly provider: ProviderId;
  readonly baseUrl?: string;
  /** The AWS region of an IAM-authorised provider (bedrock), whose `apiKey` is empty. */
  readonly region?: string;
  readonly apiKey: string;
}

/** Token counts as OpenAI reports them; the only usage shape the gateway reads. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [field: string]: unknown };
  [field: string]: unknown;
}

/** One streamed chunk in OpenAI's `chat.completion.chunk` shape; fields the gateway does not read pass through. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null; [field: string]: unknown }>;
  usage?: Usage | null;
  [field: string]: unknown;
}

/** A parsed chat completion request: `model` already split into provider-key name and upstream model. */
export interface ChatRequest {
  /** The client's body as parsed; unknown fields are kept so OpenAI-format upstreams receive them unchanged. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly providerKeyName: string;
  /** The model id sent upstream: the part of `model` after `<provider-key name>/`. */
  readonly model: string;
  readonly stream: boolean;
  /** Whether the client asked for the final usage chunk (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
}

/** An HTTP request to send upstream with global fetch. */
export interface UpstreamHttpRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A non-streamed answer: the OpenAI-shaped JSON text to send as is, plus what metering needs from it. */
export interface ChatResponse {
  readonly json: string;
  readonly usage?: Usage;
  readonly finishReason?: string;
}

export interface UpstreamModel {
  readonly id: string;
  readonly created?: number;
  readonly ownedBy?: string;
}

/** What went wrong upstream, before the gateway decides which status the client sees (gateway/client-errors.ts). */
export type UpstreamFailure =
  | { readonly kind: 'http'; readonly status: number; readonly message?: string; readonly retryAfter?: string }
  | { readonly kind: 'network' }
  /** The attempt's time ran out: before its answer or first token, or (`limit`) a stream's idle timeout or the request's duration cap. */
  | { readonly kind: 'timeout'; readonly limit?: 'idle' | 'duration' }
  /** The stream broke off or reported an error after it had started. */
  | { readonly kind: 'stream'; readonly message?: string };

/** Thrown by adapters and the upstream caller; carries no request or response content. */
export class UpstreamError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(`upstream ${failure.kind} failure`);
    this.name = 'UpstreamError';
  }
}

/** An upstream's HTTP answer as the transport (gateway/transport/upstream-http.ts) hands it to an adapter. */
export interface UpstreamResponse {
  readonly status: number;
  header(name: string): string | undefined;
  /** The whole body as UTF-8. */
  text(): Promise<string>;
  /** The body's bytes as they arrive; leaving the loop early closes the upstream connection. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Drains an unwanted body so the connection can be reused. */
  discard(): void;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  chatRequest(request: ChatRequest, credentials: UpstreamCredentials): UpstreamHttpRequest;
  /**
   * For providers not called over plain HTTP (bedrock, signed through its SDK): sends what chatRequest built in
   * place of the gateway's transport; `signal` must abort the call. Failures are thrown as UpstreamError.
   */
  send?(request: UpstreamHttpRequest, signal: AbortSignal): Promise<UpstreamResponse>;
  /** Reads a successful non-streamed response. */
  readChatResponse(response: UpstreamResponse): Promise<ChatResponse>;
  /** Reads a successful streamed response as chunks; throws UpstreamError if the stream fails or is cut short. */
  readChatStream(body: AsyncIterable<Uint8Array>): AsyncIterable<ChatChunk>;
  /** Reads a non-2xx response into a failure (message from the provider's error body, Retry-After). */
  readFailure(response: UpstreamResponse): Promise<UpstreamFailure>;
  modelsRequest(credentials: UpstreamCredentials): UpstreamHttpRequest;
  readModels(response: UpstreamResponse): Promise<UpstreamModel[]>;
}
