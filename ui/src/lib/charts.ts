// Charts for the owner's screens, drawn by uPlot (small, fast, canvas). Amounts arrive as
// decimal strings; they become numbers here only to be drawn, never to be added up.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type Bars = {
  labels: string[];
  values: number[];
  title: string;
  /** formats a value for the axis and the legend */
  fmt: (v: number) => string;
};

/** A decimal money string as a number for drawing only. */
export function plotted(s: string): number {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

/** Draws (or redraws) a bar chart of `b` into `el`, sized to the element. */
export function barChart(el: HTMLElement, b: Bars, prev?: uPlot | null): uPlot {
  prev?.destroy();
  const xs = b.labels.map((_, i) => i);
  const width = Math.max(280, el.clientWidth || 600);
  const opts: uPlot.Options = {
    title: b.title,
    width,
    height: 220,
    legend: { show: false },
    cursor: { show: true, drag: { x: false, y: false } },
    scales: { x: { time: false, range: [-0.6, Math.max(0.6, xs.length - 0.4)] } },
    axes: [
      {
        values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? b.labels[i] ?? '' : '')),
        space: 40,
        gap: 4,
        size: 40,
      },
      { values: (_u, splits) => splits.map((v) => b.fmt(v)), size: 70 },
    ],
    series: [
      {},
      {
        label: b.title,
        fill: 'rgba(232, 89, 12, 0.75)',
        stroke: '#e8590c',
        width: 0,
        paths: uPlot.paths.bars!({ size: [0.7, 60] }),
        points: { show: false },
      },
    ],
  };
  return new uPlot(opts, [xs, b.values], el);
}
