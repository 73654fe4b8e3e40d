import type UPlot from 'uplot';
import type { AlignedData, Options } from 'uplot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { appliedTheme } from '../account/me.js';
import { ErrorMessage, Loading } from '../ui/states.js';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** Lines that stay apart in both themes (and for the common kinds of colour blindness, in this order). */
const PALETTE = ['#3a7bd5', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8c8c8c', '#b8a100'];

let uPlotClass: Promise<typeof UPlot> | undefined;
/** uPlot and its style sheet load with the first chart, not with the page: the first load stays small. */
function loadUPlot(): Promise<typeof UPlot> {
  // uPlot's types declare `export =`; its ES build (the one Vite bundles) has a default export.
  uPlotClass ??= Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([m]) => (m as unknown as { default: typeof UPlot }).default);
  return uPlotClass;
}

/**
 * A time series drawn by uPlot: `x` in epoch seconds, one line per series. The figure is named by `title` and
 * summarised in words (`summary`) for screen readers; the canvas itself is hidden from them.
 */
export function TimeChart({
  title,
  summary,
  x,
  series,
  format,
  height = 240,
}: {
  title: string;
  summary: string;
  x: readonly number[];
  series: readonly ChartSeries[];
  format: (value: number) => string;
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  // Axis and grid colours come from the style sheet's palette: a theme change draws the chart again.
  const theme = appliedTheme.value;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let chart: UPlot | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    loadUPlot().then(
      (UPlotClass) => {
        if (cancelled) return;
        const style = getComputedStyle(el);
        const fg = style.getPropertyValue('--muted').trim() || '#555';
        const grid = style.getPropertyValue('--line').trim() || '#ddd';
        const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
        const options: Options = {
          width: Math.max(el.clientWidth, 200),
          height,
          cursor: { drag: { x: true, y: false } },
          scales: { x: { time: true } },
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              stroke: PALETTE[i % PALETTE.length],
              width: 1.5,
              points: { show: false },
              value: (_u: unknown, v: number | null) => (v === null ? '—' : format(v)),
            })),
          ],
          axes: [axis, { ...axis, size: 64, values: (_u, values) => values.map((v) => format(v)) }],
        };
        const data = [x, ...series.map((s) => s.values)] as unknown as AlignedData;
        chart = new UPlotClass(options, data, el);
        observer = new ResizeObserver(() => chart?.setSize({ width: Math.max(el.clientWidth, 200), height }));
        observer.observe(el);
        setReady(true);
      },
      () => setError('The chart could not be loaded. Reload to try again.'),
    );
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [x, series, format, height, theme]);

  return (
    <figure class="chart" aria-label={`${title}: ${summary}`}>
      <figcaption>{title}</figcaption>
      {!ready && !error && <Loading what="the chart" />}
      <ErrorMessage message={error} />
      <div class="chart-canvas" ref={host} aria-hidden="true" data-points={x.length} />
      <p class="sr-only">{summary}</p>
    </figure>
  );
}
