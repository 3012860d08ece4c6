import { afterAll, describe, expect, it } from 'vitest'
import { renderHtmlReport } from '../../src/reporters/html.ts'
import { mergeRecords, mergeRun } from '../../src/reporters/merge.ts'
import { downsample, escapeHtml, niceTicks } from '../../src/reporters/svg-charts.ts'
import { makeTempDir, sampleRun, testRecord, writeRecords } from './sample-records.ts'

const [dir, removeDir] = makeTempDir()
afterAll(removeDir)
const hostile = '<img src=x onerror="alert(1)"> & \'quotes\''
writeRecords(dir, [
  testRecord({
    file: 'test/<b>bold</b>.test.ts',
    test: ['renders', hostile],
    leaks: [{ kind: 'timer', description: '<script>alert(2)</script>' }],
    memory: { deltaBytes: 1000 },
    timestamp: '2026-12-03T08:00:01.000Z',
  }),
  testRecord({ memory: { deltaBytes: 3000 }, timestamp: '2026-12-03T08:00:02.000Z' }),
])

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(mergeRun({ dirs: [dir] }), new Date('2026-12-03T09:00:00Z'))

  it('escapes every string from the records', () => {
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<b>')
    expect(html).toContain(escapeHtml(hostile))
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;')
  })

  it('is one self-contained page: no script, no link, no URL, no font to fetch', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/)
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(|@font-face/i)
    expect(html).not.toMatch(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}/i)
  })

  it('draws the three charts, each with a title and a description', () => {
    const charts = html.match(
      /<svg class="chart"[^>]*role="img" aria-labelledby="[\w-]+-t [\w-]+-d"/g,
    )
    expect(charts).toHaveLength(3)
    expect(html).toContain('<title id="memory-t">Cumulative heap growth, test by test</title>')
    expect(html).toContain('<title id="teardown-t">Teardown time by test, the slowest 2</title>')
    expect(html).toContain('<title id="leaks-t">Leaks by file</title>')
    expect(html).toMatch(/<path class="line" d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"\/>/)
  })

  it('charts the memory of cleanroom run when its samples are given', () => {
    const withRun = renderHtmlReport(
      mergeRecords({ records: [], files: [], warnings: [] }, sampleRun),
    )
    expect(withRun).toContain(
      '<title id="memory-t">Memory of the test process tree over the run</title>',
    )
    expect(withRun).toContain('peak RSS (process tree)')
    expect(withRun).toContain('No teardown entries were recorded.')
    // One point a sample.
    expect(withRun).toMatch(/<path class="line" d="M[\d.]+,[\d.]+(?: L[\d.]+,[\d.]+){3}"\/>/)
  })
})

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 61e6)).toEqual([0, 2e7, 4e7, 6e7, 8e7])
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(5, 5)).toEqual([5])
  })
})

describe('downsample', () => {
  it('keeps at most max points, the highest of each run and the last', () => {
    const points = Array.from({ length: 100_000 }, (_, x) => ({
      x,
      y: x === 54_321 ? 1e9 : x % 100,
    }))
    const kept = downsample(points, 1500)
    expect(kept).toHaveLength(1500)
    expect(kept).toContainEqual({ x: 54_321, y: 1e9 })
    expect(kept.at(-1)).toEqual({ x: 99_999, y: 99 })
    expect(kept.map((p) => p.x)).toEqual([...kept.map((p) => p.x)].sort((a, b) => a - b))
    expect(downsample(points.slice(0, 10), 1500)).toHaveLength(10)
  })
})

describe('the leaks table', () => {
  it('lists 200 tests at most, and says how many more the JSON has', () => {
    const [leaky, removeLeaky] = makeTempDir()
    try {
      writeRecords(
        leaky,
        Array.from({ length: 230 }, (_, index) =>
          testRecord({
            test: [`leaks ${index}`],
            leaks: [{ kind: 'timer', description: 'setInterval(poll, 1000 ms)' }],
          }),
        ),
      )
      const page = renderHtmlReport(mergeRun({ dirs: [leaky] }))
      expect(page.match(/<td class="tag">timer<\/td>/g)).toHaveLength(200)
      expect(page).toContain(
        '… and 30 more tests with leaks: the JSON report (--json) lists them all.',
      )
    } finally {
      removeLeaky()
    }
  })
})
