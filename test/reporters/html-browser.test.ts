import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { renderHtmlReport } from '../../src/reporters/html.ts'
import { mergeRun } from '../../src/reporters/merge.ts'
import { chromiumPath, visitPage } from './chromium.ts'
import { countPixels, decodePng } from './png.ts'
import { makeTempDir, sampleRun, testRecord, writeRecords } from './sample-records.ts'

const hasChromium = existsSync(chromiumPath)
const inCi = process.env.CI === 'true'
if (!hasChromium && !inCi) {
  process.stderr.write(
    `\nNOTICE: ${chromiumPath} is missing: the HTML report's browser test is skipped. Install Debian's chromium package (apt-get install -y chromium) to run it. Under CI=true it fails instead.\n\n`,
  )
}

const [dir, removeDir] = makeTempDir('cleanroom-html-browser-')
afterAll(removeDir)

/** What the page says about its charts: each chart's drawn shapes (non-zero boxes) and size. */
const inspectCharts = `JSON.stringify([...document.querySelectorAll('svg.chart')].map((svg) => ({
  id: svg.querySelector('title')?.id,
  width: svg.getBoundingClientRect().width,
  drawn: [...svg.querySelectorAll('rect, path')].filter((shape) => {
    const box = shape.getBoundingClientRect()
    return box.width > 0 && box.height > 0
  }).length,
})))`

describe.skipIf(!hasChromium && !inCi)('the HTML report in headless Chromium', () => {
  it('loads from disk with the network off, draws its charts, and logs no error', async () => {
    if (!hasChromium) {
      throw new Error(
        `${chromiumPath} is missing, and CI=true: install Debian's chromium package (apt-get install -y chromium).`,
      )
    }
    const records = join(dir, 'records')
    mkdirSync(records)
    writeRecords(
      records,
      Array.from({ length: 24 }, (_, index) =>
        testRecord({
          file: `test/file-${index % 3}.test.ts`,
          test: ['suite <with> "markup"', `test ${index}`],
          outcome: index === 5 ? 'failed' : 'passed',
          teardown: [
            {
              label: 'http server',
              kind: 'server',
              outcome: index === 7 ? 'timeout' : 'ok',
              durationMs: 2 + ((index * 37) % 50),
            },
          ],
          leaks:
            index % 4 === 0 ? [{ kind: 'timer', description: 'setInterval(poll, 1000 ms)' }] : [],
          memory: { deltaBytes: 50_000 + ((index * 7919) % 40_000) },
          timestamp: new Date(Date.UTC(2026, 11, 3, 8, 0, index)).toISOString(),
        }),
      ),
    )
    const file = join(dir, 'report.html')
    writeFileSync(file, renderHtmlReport(mergeRun({ dirs: [records] })))
    const withRun = join(dir, 'report-run.html')
    writeFileSync(withRun, renderHtmlReport({ ...mergeRun({ dirs: [records] }), run: sampleRun }))

    for (const page of [file, withRun]) {
      const visit = await visitPage(page, inspectCharts)
      expect(visit.errors).toEqual([])
      // The page asked for nothing but itself.
      expect(visit.requests.filter((url) => !url.startsWith('file://'))).toEqual([])
      const charts = JSON.parse(visit.value as string) as {
        id: string
        width: number
        drawn: number
      }[]
      expect(charts.map((chart) => chart.id)).toEqual(['memory-t', 'teardown-t', 'leaks-t'])
      for (const chart of charts) {
        expect(chart.width).toBeGreaterThan(600)
        expect(chart.drawn).toBeGreaterThan(0)
      }
      // The teardown chart draws its 20 bars; the leaks chart one a file.
      expect(charts[1]?.drawn).toBe(20)
      expect(charts[2]?.drawn).toBe(3)
      // In the pixels: the blue of the line and the bars, the red of the leaks, the amber of a timeout.
      const image = decodePng(visit.screenshot)
      expect(image.width).toBe(1000)
      expect(image.height).toBeGreaterThan(1200)
      expect(countPixels(image, '#2563eb')).toBeGreaterThan(2000)
      expect(countPixels(image, '#b91c1c')).toBeGreaterThan(500)
      expect(countPixels(image, '#b45309')).toBeGreaterThan(100)
    }
  }, 90_000)

  it('sees what it checks for: a console error, an exception, a request to the network', async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing, and CI=true.`)
    const file = join(dir, 'bad.html')
    writeFileSync(
      file,
      '<!doctype html><title>bad</title><img src="https://example.com/x.png" alt="">' +
        "<script>console.error('boom'); throw new Error('thrown')</script>",
    )
    const visit = await visitPage(file, 'document.title')
    expect(visit.value).toBe('bad')
    expect(visit.errors.join('\n')).toMatch(/console\.error: "boom"/)
    expect(visit.errors.join('\n')).toMatch(/exception: .*thrown/)
    expect(visit.requests).toContain('https://example.com/x.png')
  }, 90_000)
})
