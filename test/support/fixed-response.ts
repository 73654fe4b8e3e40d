import type { UpstreamResponse } from '../../lambdas/providers/types.js';

/** An UpstreamResponse over a fixed body, as the transport hands one to an adapter (for fixture tests). */
export function fixedResponse(status: number, body: unknown, headers: Record<string, string> = {}): UpstreamResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    header: (name) => headers[name.toLowerCase()],
    text: async () => text,
    body: (async function* () {
      yield new TextEncoder().encode(text);
    })(),
    discard: () => undefined,
  };
}
