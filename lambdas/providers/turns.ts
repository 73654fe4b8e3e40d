/**
 * Appends `items` as a turn of `role` to a conversation whose turns must alternate (Anthropic, Converse, Gemini):
 * consecutive turns of one role (parallel tool results, say) merge into one, and an empty turn is skipped.
 * `key` names the wire field holding the turn's items (`content`, or Gemini's `parts`).
 */
export function appendTurn<K extends string, R extends string, I>(turns: Array<{ role: R } & Record<K, I[]>>, key: K, role: R, items: I[]): void {
  if (items.length === 0) return;
  const last = turns.at(-1);
  if (last?.role === role) last[key].push(...items);
  else turns.push({ role, [key]: items } as { role: R } & Record<K, I[]>);
}
