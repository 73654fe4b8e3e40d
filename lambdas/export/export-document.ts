/** The version of the export document's format: docs/export.schema.json's `$id` carries it. */
export const EXPORT_SCHEMA_VERSION = '1.0.0';
export const EXPORT_SCHEMA_ID = `https://roukey.dev/schemas/export/${EXPORT_SCHEMA_VERSION}/export.schema.json`;

/** One top-level member of the export document: a small value read whole, or a list read page by page. */
export type ExportSection =
  | { readonly name: string; readonly value: () => Promise<unknown> }
  | {
      readonly name: string;
      readonly items: () => AsyncIterable<unknown>;
      /** How far through the list an item is (0–1), for progress; lists without it count as done when they end. */
      readonly position?: (item: unknown) => number;
    };

/** Text is handed on in pieces of about this size: each piece is a unit of backpressure and of progress. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The export document as JSON text, produced piece by piece as its sections are read: `header`'s members first, then
 * one member per section in order. Memory holds one piece and one page of a section at a time, whatever the account's
 * size. `onProgress` gets a percentage (0–99; the caller says 100 when the file is stored) at each piece.
 */
export async function* exportDocumentText(
  header: Readonly<Record<string, unknown>>,
  sections: readonly ExportSection[],
  onProgress: (percent: number) => void = () => {},
): AsyncGenerator<string> {
  const members = JSON.stringify(header);
  let text = members === '{}' ? '{' : `${members.slice(0, -1)},`;
  const percent = (index: number, fraction: number) => Math.min(99, Math.floor((100 * (index + Math.min(1, Math.max(0, fraction)))) / sections.length));
  for (const [index, section] of sections.entries()) {
    text += `${index === 0 ? '' : ','}${JSON.stringify(section.name)}:`;
    if ('value' in section) {
      text += JSON.stringify((await section.value()) ?? null);
    } else {
      text += '[';
      let first = true;
      for await (const item of section.items()) {
        text += `${first ? '' : ','}${JSON.stringify(item)}`;
        first = false;
        if (text.length >= CHUNK_CHARS) {
          yield text;
          text = '';
          onProgress(percent(index, section.position?.(item) ?? 0));
        }
      }
      text += ']';
    }
    onProgress(percent(index + 1, 0));
  }
  yield `${text}}`;
}
