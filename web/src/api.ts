import { session } from './auth/session.js';

/** An API refusal, with the API's own message (OpenAI's error shape) and, for 409s, what it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly param: string | null,
  ) {
    super(message);
  }
}

interface ApiSetup {
  readonly baseUrl: string;
  /** Called once a call answers 401: the session is over, sign in again and come back. */
  readonly onExpired: () => void;
}

let setup: ApiSetup = { baseUrl: '', onExpired: () => undefined };

export function configureApi(next: ApiSetup): void {
  setup = next;
}

/** Where the API is: the router's routes share it (the config editor's "try it" panel calls one). */
export function apiBaseUrl(): string {
  return setup.baseUrl;
}

/** One management call with the session's access token; JSON in, JSON out, refusals thrown as ApiError. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const token = session.value?.accessToken;
  let res: Response;
  try {
    res = await fetch(`${setup.baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The API could not be reached. Check your connection and try again.', null, null);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  // Only the session that sent it is over: a late answer to a call made before a new sign-in must not end that one.
  if (res.status === 401 && session.value?.accessToken === token) setup.onExpired();
  const error = (parsed as { error?: { message?: string; code?: string | null; param?: string | null } } | undefined)?.error;
  throw new ApiError(res.status, error?.message ?? `The API answered HTTP ${res.status}.`, error?.code ?? null, error?.param ?? null);
}

export interface List<T> {
  readonly object: 'list';
  readonly data: T[];
  readonly has_more?: boolean;
  readonly next_cursor?: string | null;
}
