import type { UpstreamFailure, UpstreamResponse } from '../types.js';

/**
 * Bedrock runtime exceptions (by the SDK's error name) as the HTTP failures the gateway maps to client statuses
 * (gateway/client-errors.ts): throttling 429, denied access 403 (the deployment's role, shown as a provider-key
 * failure), bad input 400, unknown model 404, model or service trouble 5xx → 502, a model timeout → 504.
 */
const STATUS_BY_EXCEPTION: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ModelNotReadyException: 503,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelErrorException: 502,
  ModelStreamErrorException: 502,
};

/** The failure a thrown SDK error stands for, or undefined for errors that are not Bedrock's answer (network, abort). */
export function bedrockFailure(err: unknown): UpstreamFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === 'ModelTimeoutException') return { kind: 'timeout' };
  const status = STATUS_BY_EXCEPTION[err.name] ?? serviceStatus(err);
  if (status === undefined) return undefined;
  const message = err.message ? err.message.slice(0, 1_000) : undefined;
  return { kind: 'http', status, message };
}

/** Any other modelled service exception carries the HTTP status Bedrock answered with. */
function serviceStatus(err: Error): number | undefined {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 400 ? status : undefined;
}

/** send.ts throws failures itself and never answers non-2xx; this reads a status should one arrive all the same. */
export async function readFailure(response: UpstreamResponse): Promise<UpstreamFailure> {
  response.discard();
  return { kind: 'http', status: response.status };
}
