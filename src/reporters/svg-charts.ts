/**
 * Charts as inline SVG, drawn when the report is written: no script, no library, no network.
 * Every chart has a `<title>` and a `<desc>` (read by screen readers), labelled axes, and each
 * bar a `<title>` with its full label and value (a tooltip).
 */

import { truncateMiddle } from './format.ts'

/** Text safe inside HTML or SVG elements and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/**
 * Round tick values for an axis covering `min` to `max`: steps of 1, 2 or 5 times a power of
 * ten, from a multiple of the step at or below `min` to one at or above `max`.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min]
  const raw = (max - min) / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const ticks: number[] = []
  const last = Math.ceil(max / step - 1e-9)
  for (let index = Math.floor(min / step + 1e-9); index <= last; index++) {
    // Rounded to the step's precision: 0.1 + 0.2 is not 0.3.
    ticks.push(Number((index * step).toPrecision(12)))
  }
  return ticks
}

/** A line chart's data and words. */
export interface LineChart {
  /** Unique in the page: the prefix of the ids `aria-labelledby` names. */
  readonly id: string
  readonly title: string
  readonly description: string
  readonly xLabel: string
  readonly yLabel: string
  readonly points: readonly { readonly x: number; readonly y: number }[]
  readonly formatX: (x: number) => string
  readonly formatY: (y: number) => string
}

/**
 * At most `max` points: the points cut into `max` runs of neighbours, the highest point of each
 * kept (a peak stays drawn), and the last point. A path of a few thousand points draws the same
 * line as one of a hundred thousand, at a fraction of the page's size.
 */
export function downsample<Point extends { readonly y: number }>(
  points: readonly Point[],
  max: number,
): Point[] {
  if (points.length <= max) return [...points]
  const kept: Point[] = []
  const size = points.length / (max - 1)
  for (let bucket = 0; bucket < max - 1; bucket++) {
    const run = points.slice(Math.floor(bucket * size), Math.floor((bucket + 1) * size))
    const highest = run.reduce<Point | undefined>(
      (a, b) => (a === undefined || b.y > a.y ? b : a),
      undefined,
    )
    if (highest !== undefined) kept.push(highest)
  }
  const last = points.at(-1)
  if (last !== undefined) kept.push(last)
  return kept
}

/** A line chart with a shaded area under the line, grid lines and labelled axes. */
export function renderLineChart(chart: LineChart): string {
  const { id } = chart
  const points = downsample(chart.points, 1500)
  const [width, height] = [860, 300]
  const pad = { left: 92, right: 20, top: 16, bottom: 48 }
  const xs = points.map((p) => p.x)
  const ys = points.map((p) => p.y)
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)]
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys))
  const [yMin, yMax] = [yTicks[0] ?? 0, Math.max(yTicks.at(-1) ?? 1, ...ys)]
  const px = (x: number): number =>
    pad.left + ((x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right)
  const py = (y: number): number =>
    height - pad.bottom - ((y - yMin) / (yMax - yMin || 1)) * (height - pad.top - pad.bottom)
  const line = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`)
    .join(' ')
  const base = py(Math.max(yMin, 0)).toFixed(1)
  const area = `${line} L${px(xMax).toFixed(1)},${base} L${px(xMin).toFixed(1)},${base} Z`
  const grid = yTicks
    .map(
      (tick) =>
        `<line class="grid" x1="${pad.left}" x2="${width - pad.right}" y1="${py(tick).toFixed(1)}" y2="${py(tick).toFixed(1)}"/>` +
        `<text class="tick" x="${pad.left - 8}" y="${(py(tick) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(chart.formatY(tick))}</text>`,
    )
    .join('')
  const xTicks = niceTicks(xMin, xMax, 8)
    .filter((tick) => tick >= xMin && tick <= xMax)
    .map(
      (tick) =>
        `<text class="tick" x="${px(tick).toFixed(1)}" y="${height - pad.bottom + 18}" text-anchor="middle">${escapeHtml(chart.formatX(tick))}</text>`,
    )
    .join('')
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">
<title id="${id}-t">${escapeHtml(chart.title)}</title><desc id="${id}-d">${escapeHtml(chart.description)}</desc>
${grid}${xTicks}
<path class="area" d="${area}"/><path class="line" d="${line}"/>
<line class="axis" x1="${pad.left}" x2="${width - pad.right}" y1="${height - pad.bottom}" y2="${height - pad.bottom}"/>
<text class="label" x="${(pad.left + width - pad.right) / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>
<text class="label" transform="translate(14 ${(pad.top + height - pad.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>
</svg>`
}

/** One bar of a bar chart. */
export interface Bar {
  readonly label: string
  readonly value: number
  /** What the bar's end says: `12 ms`. */
  readonly valueLabel: string
  /** A CSS class for its color: `ok`, `error`, `timeout`, `leak`. */
  readonly tone: string
  /** Shown on hover and read by screen readers; the label and value by default. */
  readonly detail?: string
}

/** A horizontal bar chart, one row a bar, labels on the left (cut in the middle to fit). */
export function renderBarChart(chart: {
  readonly id: string
  readonly title: string
  readonly description: string
  readonly bars: readonly Bar[]
}): string {
  const { id } = chart
  const width = 860
  const row = 26
  const labelWidth = 390
  const valueWidth = 90
  const height = chart.bars.length * row + 8
  const max = Math.max(...chart.bars.map((bar) => bar.value), 1e-9)
  const bars = chart.bars
    .map((bar, index) => {
      const y = 4 + index * row
      const w = Math.max(2, (bar.value / max) * (width - labelWidth - valueWidth - 16))
      const detail = bar.detail ?? `${bar.label}: ${bar.valueLabel}`
      return `<g><title>${escapeHtml(detail)}</title>
<text class="bar-label" x="${labelWidth - 10}" y="${y + 17}" text-anchor="end">${escapeHtml(truncateMiddle(bar.label, 58))}</text>
<rect class="bar ${escapeHtml(bar.tone)}" x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 8}" rx="3"/>
<text class="bar-value" x="${(labelWidth + w + 8).toFixed(1)}" y="${y + 17}">${escapeHtml(bar.valueLabel)}</text></g>`
    })
    .join('\n')
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d">
<title id="${id}-t">${escapeHtml(chart.title)}</title><desc id="${id}-d">${escapeHtml(chart.description)}</desc>
${bars}
</svg>`
}
