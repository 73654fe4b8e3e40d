import type { ComponentChildren } from 'preact';
import { Empty } from '../ui/states.js';

/** One column: its header and how a row shows in it (strings and numbers only become text, never markup). */
export interface Column<T> {
  readonly header: string;
  /** A header only screen readers hear (an actions column). */
  readonly hideHeader?: boolean;
  readonly cell: (row: T) => ComponentChildren;
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean;
}

/**
 * A table with a caption and column headers, scrolling sideways inside its own keyboard-focusable region on narrow
 * screens (the page itself never scrolls sideways); `empty` (what to do first) replaces it when there are no rows.
 */
export function DataTable<T>({
  caption,
  captionHidden = false,
  columns,
  rows,
  rowKey,
  empty,
  selected,
}: {
  caption: string;
  captionHidden?: boolean;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  empty: ComponentChildren;
  /** The key of the row shown as selected (aria-selected is for grids; this marks it with aria-current). */
  selected?: string | null;
}) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard (axe scrollable-region-focusable).
    <section class="table-scroll" aria-label={caption} tabIndex={0}>
      <table class="data-table">
        <caption class={captionHidden ? 'sr-only' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" class={c.numeric ? 'num' : undefined}>
                {c.hideHeader ? <span class="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr key={key} aria-current={selected === key ? 'true' : undefined}>
                {columns.map((c) => (
                  <td key={c.header} class={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
