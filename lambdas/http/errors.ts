/**
 * Errors that reach API clients, in OpenAI's shape `{ error: { message, type, param, code } }`. Every status a
 * client can see is decided here, from the error's kind, so handlers only throw.
 */
export const ERROR_KINDS = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  unauthenticated: { status: 401, type: 'authentication_error' },
  forbidden: { status: 403, type: 'permission_error' },
  not_found: { status: 404, type: 'invalid_request_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  conflict: { status: 409, type: 'invalid_request_error' },
  /** The caller's account was deleted (lambdas/deletion/). */
  gone: { status: 410, type: 'invalid_request_error' },
  payload_too_large: { status: 413, type: 'invalid_request_error' },
  provider_auth_failed: { status: 424, type: 'provider_authentication_error' },
  rate_limited: { status: 429, type: 'rate_limit_error' },
  internal: { status: 500, type: 'server_error' },
  upstream_error: { status: 502, type: 'upstream_error' },
  upstream_timeout: { status: 504, type: 'upstream_error' },
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/**
 * Why a 403 was answered, as its `code`: each refusal is also recorded as a security event of the same name
 * (lambdas/security/refusal-event.ts).
 */
export const FORBIDDEN_CODES = [
  /** A create call over one of the plan's counts; `param` names the limit. */
  'plan_limit',
  /** A feature the plan does not include; `param` names it. */
  'plan_feature',
  'account_suspended',
  /** An admin route called by someone outside the admins group. */
  'admin_required',
  /** An admin route called by an admin whose sign-in can skip TOTP, where `roukey:adminMfa=required`. */
  'mfa_required',
] as const;
export type ForbiddenCode = (typeof FORBIDDEN_CODES)[number];

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly options: { param?: string; code?: string; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = options.status ?? ERROR_KINDS[kind].status;
    this.type = ERROR_KINDS[kind].type;
  }

  get headers(): Record<string, string> {
    return this.options.headers ?? {};
  }

  toBody(): OpenAIErrorBody {
    return {
      error: { message: this.message, type: this.type, param: this.options.param ?? null, code: this.options.code ?? this.kind },
    };
  }
}

/** Any thrown value as an ApiError; unknown errors become a 500 whose message reveals nothing of the input. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('internal', 'The server had an error while processing your request.');
}

/** A 403 for one of the refusals in FORBIDDEN_CODES. */
export function forbidden(code: ForbiddenCode, message: string, param?: string): ApiError {
  return new ApiError('forbidden', message, { code, param });
}

export function errorBody(kind: ErrorKind, message: string, param?: string): OpenAIErrorBody {
  return new ApiError(kind, message, { param }).toBody();
}
