/**
 * Output tokens a request is expected to produce when it sets no limit: a typical short answer. Used only to
 * compare prices and to check that prompt plus answer fit a model's context window, never to bill.
 */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;

/** The output a request is expected to produce: its own limit (`max_completion_tokens`, else `max_tokens`), else the default. */
export function expectedOutputTokens(body: Readonly<Record<string, unknown>>): number {
  return positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens) ?? DEFAULT_EXPECTED_OUTPUT_TOKENS;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
