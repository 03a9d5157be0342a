import { s } from './dom.js';

export interface Series {
  name: string;
  values: number[];
}

const [WIDTH, HEIGHT] = [900, 320];
const MARGIN = { left: 56, right: 16, top: 16, bottom: 40 };

/** A round step for about four grid lines up to `max`. */
export function niceStep(max: number): number {
  const rough = Math.max(max, 1) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? 10 * power;
}

/**
 * A line chart as SVG, one line per series over the same labels (periods): hand-drawn, a grid and
 * the labels, nothing else. Series colours come from the stylesheet (series-0 … series-7).
 */
export function lineChart(labels: string[], series: Series[]): SVGSVGElement {
  const max = Math.max(1, ...series.flatMap((line) => line.values));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number) => MARGIN.left + (labels.length > 1 ? (i * plotW) / (labels.length - 1) : plotW / 2);
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': 'Usage over time' },
    s(
      'g',
      { class: 'grid' },
      ...ticks.map((t) =>
        s(
          'g',
          {},
          s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(t), y2: y(t) }),
          s('text', { x: MARGIN.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, t.toLocaleString()),
        ),
      ),
    ),
    s(
      'g',
      { class: 'axis' },
      ...labels.map((label, i) =>
        i % every === 0 ? s('text', { x: x(i), y: HEIGHT - MARGIN.bottom + 18, 'text-anchor': 'middle' }, label) : null,
      ),
    ),
    ...series.map((line, i) =>
      s(
        'polyline',
        { class: `series-${i % 8}`, 'data-series': line.name, points: line.values.map((v, j) => `${x(j)},${y(v)}`).join(' ') },
        s('title', {}, line.name),
      ),
    ),
  );
}
