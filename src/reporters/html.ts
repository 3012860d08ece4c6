import { basename } from 'node:path'
import { formatBytes, formatDuration, plural } from './format.ts'
import { htmlStyle } from './html-style.ts'
import type { MergedReport } from './merge.ts'
import { escapeHtml, renderBarChart, renderLineChart } from './svg-charts.ts'

const e = escapeHtml
/** The tests the leaks table lists: a page stays readable (and small) when a whole suite leaks. */
const maxLeakRows = 200

function card(label: string, value: string, tone = ''): string {
  return `<div class="card ${tone}"><div class="card-value">${e(value)}</div><div class="card-label">${e(label)}</div></div>`
}

function section(title: string, body: string, note = ''): string {
  return `<section><h2>${e(title)}</h2>${note === '' ? '' : `<p class="note">${e(note)}</p>`}${body}</section>`
}

function empty(text: string): string {
  return `<p class="empty">${e(text)}</p>`
}

/** How a column's cells are set: `num` right-aligned, `tag` on one line, `text` wrapped. */
type ColumnStyle = 'num' | 'tag' | 'text'

function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  styles: readonly ColumnStyle[],
): string {
  const cell = (tag: string, text: string, index: number): string =>
    `<${tag} class="${styles[index] ?? 'text'}">${e(text)}</${tag}>`
  return `<div class="table-wrap"><table><thead><tr>${headers.map((h, i) => cell('th', h, i)).join('')}</tr></thead><tbody>
${rows.map((row) => `<tr>${row.map((text, i) => cell('td', text, i)).join('')}</tr>`).join('\n')}
</tbody></table></div>`
}

function memoryChart(report: MergedReport): string {
  const { run } = report
  if (run !== undefined && run.samples.length >= 2) {
    return section(
      'Memory over the run',
      renderLineChart({
        id: 'memory',
        title: 'Memory of the test process tree over the run',
        description: `RSS of the process tree sampled every ${run.intervalMs} ms by cleanroom run: peak ${formatBytes(run.memory.peakBytes)} at ${(run.memory.peakAtMs / 1000).toFixed(1)} s.`,
        xLabel: 'time since the start (s)',
        yLabel: 'RSS',
        points: run.samples.map((sample) => ({ x: sample.t / 1000, y: sample.rss })),
        formatX: (x) => `${x.toFixed(x < 10 ? 1 : 0)} s`,
        formatY: (y) => formatBytes(y),
      }),
      `Resident memory (RSS) of the command and every process it started, from cleanroom run (${plural(run.samples.length, 'sample')}).`,
    )
  }
  const measured = report.tests.filter((test) => test.deltaBytes !== undefined)
  if (measured.length >= 2) {
    let sum = 0
    const points = measured.map((test, index) => ({
      x: index + 1,
      y: (sum += test.deltaBytes ?? 0),
    }))
    return section(
      'Memory over the run',
      renderLineChart({
        id: 'memory',
        title: 'Cumulative heap growth, test by test',
        description: `The sum of the heap deltas of ${plural(measured.length, 'measured test')}, in run order: ${formatBytes(sum, true)} in all.`,
        xLabel: 'tests, in run order',
        yLabel: 'heap growth',
        points,
        formatX: (x) => `${Math.round(x)}`,
        formatY: (y) => formatBytes(y),
      }),
      'No cleanroom run samples: the heap deltas of the measured tests, added up in run order.',
    )
  }
  return section(
    'Memory over the run',
    empty(
      'No memory samples and no measured tests: run the tests under cleanroom run, or turn memory checks on.',
    ),
  )
}

function teardownChart(report: MergedReport): string {
  const slowest = [...report.tests]
    .filter((test) => test.teardownMs > 0)
    .sort((a, b) => b.teardownMs - a.teardownMs)
    .slice(0, 20)
  if (slowest.length === 0)
    return section('Teardown time by test', empty('No teardown entries were recorded.'))
  return section(
    'Teardown time by test',
    renderBarChart({
      id: 'teardown',
      title: `Teardown time by test, the slowest ${slowest.length}`,
      description: `The time each test's teardown entries took, summed; the slowest is ${formatDuration(slowest[0]?.teardownMs ?? 0)}.`,
      bars: slowest.map((test) => ({
        label: `${basename(test.file)} › ${test.name}`,
        value: test.teardownMs,
        valueLabel: formatDuration(test.teardownMs),
        tone: test.teardown.some((entry) => entry.outcome === 'timeout')
          ? 'timeout'
          : test.teardown.some((entry) => entry.outcome === 'error')
            ? 'error'
            : 'ok',
        detail: `${test.file} › ${test.name}: ${formatDuration(test.teardownMs)} in ${plural(test.teardown.length, 'entry')}`,
      })),
    }),
    'The slowest 20 tests by the summed time of their teardown entries. Red: an entry failed; amber: an entry timed out.',
  )
}

function leaksChart(report: MergedReport): string {
  if (report.leaksByFile.length === 0)
    return section('Leaks by file', empty('No test left anything running.'))
  return section(
    'Leaks by file',
    renderBarChart({
      id: 'leaks',
      title: 'Leaks by file',
      description: `${plural(report.totals.leaks, 'leak')} in ${plural(report.leaksByFile.length, 'file')}.`,
      bars: report.leaksByFile.map((file) => ({
        label: file.file,
        value: file.leaks,
        valueLabel: plural(file.leaks, 'leak'),
        tone: 'leak',
      })),
    }),
  )
}

function tables(report: MergedReport): string {
  const teardowns =
    report.slowestTeardowns.length === 0
      ? empty('No teardown entries were recorded.')
      : table(
          ['time', 'outcome', 'entry', 'kind', 'test', 'created at'],
          report.slowestTeardowns.map((row) => [
            formatDuration(row.durationMs),
            row.outcome,
            row.label,
            row.kind,
            `${row.file} › ${row.test}`,
            row.created ?? '',
          ]),
          ['num', 'tag', 'text', 'tag', 'text', 'text'],
        )
  const leakRows = report.leaksByTest.slice(0, maxLeakRows)
  const moreLeaks =
    report.leaksByTest.length > maxLeakRows
      ? `<p class="note">… and ${plural(report.leaksByTest.length - maxLeakRows, 'more test')} with leaks: the JSON report (--json) lists them all.</p>`
      : ''
  const leaks =
    report.leaksByTest.length === 0
      ? empty('No leaks.')
      : table(
          ['test', 'kind', 'what', 'created at'],
          leakRows.flatMap((test) =>
            test.leaks.map((leak) => [
              `${test.file} › ${test.name}`,
              leak.kind,
              leak.description,
              leak.created ?? '',
            ]),
          ),
          ['text', 'tag', 'text', 'text'],
        ) + moreLeaks
  const memory =
    report.memoryByFile.length === 0
      ? empty('No test was measured (memory checks were off).')
      : table(
          ['file', 'tests measured', 'heap growth', 'trend per test'],
          report.memoryByFile.map((file) => [
            file.file,
            `${file.measured}`,
            formatBytes(file.deltaBytes, true),
            file.bytesPerTest === undefined ? '–' : formatBytes(file.bytesPerTest, true),
          ]),
          ['text', 'num', 'num', 'num'],
        )
  return (
    section('Slowest teardowns', teardowns) +
    section('Leaks by test', leaks) +
    section(
      'Memory by file',
      memory,
      'Trend: the least-squares slope of the file’s cumulative heap, from 3 measured tests on.',
    )
  )
}

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG (memory over the
 * run, teardown time by test, leaks by file) and tables; no script, no font, no request.
 *
 * @param report - the merged report
 * @param generatedAt - when the page is written (shown in its footer), now by default
 * @returns the page
 */
export function renderHtmlReport(report: MergedReport, generatedAt: Date = new Date()): string {
  const { totals, run } = report
  const cards = [
    card('tests', `${totals.tests}`),
    card('failed', `${totals.failed}`, totals.failed > 0 ? 'bad' : 'good'),
    card('leaks', `${totals.leaks}`, totals.leaks > 0 ? 'bad' : 'good'),
    card('teardown, all tests', formatDuration(totals.teardownMs)),
    ...(totals.measured > 0
      ? [card('heap growth, measured tests', formatBytes(totals.deltaBytes, true))]
      : []),
    ...(run === undefined
      ? []
      : [card('peak RSS (process tree)', formatBytes(run.memory.peakBytes))]),
  ].join('')
  const origin = [
    plural(totals.files, 'file'),
    plural(report.processes, 'process'),
    ...(report.shards.length > 0 ? [plural(report.shards.length, 'shard')] : []),
    ...(run === undefined ? [] : [`command: ${run.command.join(' ')}`]),
  ].join(' · ')
  const warnings =
    report.warnings.length === 0
      ? ''
      : `<ul class="warnings">${report.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cleanroom report</title>
<style>${htmlStyle}</style>
</head>
<body>
<main>
<header><h1>cleanroom report</h1><p class="origin">${e(origin)}</p></header>
<div class="cards">${cards}</div>
${warnings}
${memoryChart(report)}
${teardownChart(report)}
${leaksChart(report)}
${tables(report)}
<footer>Written by cleanroom report on ${e(generatedAt.toISOString())} from ${plural(report.sources.length, 'records file')}.</footer>
</main>
</body>
</html>
`
}
