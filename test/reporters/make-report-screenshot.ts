// Draws docs/images/html-report.png: runs the sample suite (test/fixtures/records/sample-suite.ts,
// two workers writing records) under the built `cleanroom run --report --json`, merges with
// `cleanroom report --run --html`, and takes a screenshot of the page in headless Chromium.
//
//   npx tsdown && node --import tsx test/reporters/make-report-screenshot.ts
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { visitPage } from './chromium.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'dist/cli.mjs')
const suite = 'test/fixtures/records/sample-suite.ts'
const work = mkdtempSync(join(tmpdir(), 'cleanroom-screenshot-'))
try {
  const records = join(work, 'records')
  const runJson = join(work, 'run.json')
  const html = join(work, 'report.html')
  const options = { cwd: root, stdio: 'inherit' } as const
  execFileSync(
    process.execPath,
    [
      cli,
      'run',
      '--interval',
      '100',
      '--report',
      records,
      '--json',
      runJson,
      '--',
      // As a user types it, since the report shows the command.
      'node',
      '--import',
      'tsx',
      suite,
    ],
    options,
  )
  execFileSync(
    process.execPath,
    [cli, 'report', records, '--run', runJson, '--html', html],
    options,
  )
  const visit = await visitPage(html, 'document.title', { width: 1000, height: 1480 }, false)
  if (visit.errors.length > 0)
    throw new Error(`the page logged errors:\n${visit.errors.join('\n')}`)
  const output = join(root, 'docs/images/html-report.png')
  writeFileSync(output, visit.screenshot)
  process.stdout.write(`wrote ${output} (${visit.screenshot.length} bytes)\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
