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

type UserPart = { readonly type: 'text'; readonly text: string } | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

/**
 * A user message's content (a string, or text and image_url parts) as an adapter's items. `image` gets the param
 * a refusal of the image should name (`messages.<i>.content.<j>.image_url.url`).
 */
export function userItems<I>(
  content: string | readonly UserPart[],
  messageIndex: number,
  text: (text: string) => I,
  image: (url: string, param: string) => I,
): I[] {
  if (typeof content === 'string') return [text(content)];
  return content.map((part, j) => (part.type === 'text' ? text(part.text) : image(part.image_url.url, `messages.${messageIndex}.content.${j}.image_url.url`)));
}

/** Text content (a string or text parts) as one string, the way tool results are sent on. */
export function joinedText(content: string | readonly { readonly text: string }[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
