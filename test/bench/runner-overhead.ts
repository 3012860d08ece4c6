import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatTable, verdict } from './format-table.ts'
import { isMain } from './is-main.ts'
import { median } from './median.ts'
import type { TargetCheck } from './target.ts'

/**
 * What installing cleanroom with its defaults costs a real test run: a 2,000-test suite (20 files
 * of 100 tests, one `await` each) under Vitest and under Jest, the plain runner against the
 * runner with cleanroom's one-line install, interleaved in one process run; wall time of the
 * whole CLI run, median of `runs`.
 */

const packageRoot = fileURLToPath(new URL('../../', import.meta.url))
const files = 20
const testsPerFile = 100
const runs = 7
const targetRatio = 1.1

interface Runner {
  readonly name: string
  /** The CLI, relative to the repository's node_modules. */
  readonly bin: string
  readonly args: readonly string[]
  readonly testFile: (index: number) => { name: string; text: string }
  readonly config: (withCleanroom: boolean) => { name: string; text: string }
}

const body = (style: 'esm' | 'cjs') =>
  [
    style === 'esm' ? "import { describe, test } from 'vitest'" : '',
    "describe('suite', () => {",
    `  for (let index = 0; index < ${testsPerFile}; index++) {`,
    '    test(`test ${index}`, async () => {',
    '      await Promise.resolve(index)',
    '    })',
    '  }',
    '})',
    '',
  ].join('\n')

const runners: readonly Runner[] = [
  {
    name: 'Vitest',
    bin: 'vitest/vitest.mjs',
    args: ['run', '--config', 'vitest.config.mjs'],
    testFile: (index) => ({ name: `suite-${index}.test.mjs`, text: body('esm') }),
    config: (withCleanroom) => ({
      name: 'vitest.config.mjs',
      text: `export default { test: { include: ['*.test.mjs']${withCleanroom ? ", setupFiles: ['cleanroom/vitest/setup']" : ''} } }\n`,
    }),
  },
  {
    name: 'Jest',
    bin: 'jest/bin/jest.js',
    args: ['--config', 'jest.config.cjs'],
    testFile: (index) => ({ name: `suite-${index}.test.js`, text: body('cjs') }),
    config: (withCleanroom) => ({
      name: 'jest.config.cjs',
      text: `module.exports = { testEnvironment: 'node', testMatch: ['**/*.test.js']${withCleanroom ? ", setupFilesAfterEnv: ['cleanroom/jest/setup']" : ''} }\n`,
    }),
  },
]

/**
 * A project as a user has it: cleanroom installed as a copy of what it publishes (not a link
 * into this repository, which Vitest would transform as source code), its runtime dependency
 * and the runner linked from this repository's node_modules.
 */
function createProject(runner: Runner, withCleanroom: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `cleanroom-overhead-${runner.name.toLowerCase()}-`))
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, 'cleanroom'), { recursive: true })
  cpSync(join(packageRoot, 'package.json'), join(modules, 'cleanroom', 'package.json'))
  cpSync(join(packageRoot, 'dist'), join(modules, 'cleanroom', 'dist'), { recursive: true })
  for (const dependency of ['p-timeout', runner.name.toLowerCase()]) {
    symlinkSync(join(packageRoot, 'node_modules', dependency), join(modules, dependency), 'dir')
  }
  const config = runner.config(withCleanroom)
  writeFileSync(join(dir, config.name), config.text)
  for (let index = 0; index < files; index++) {
    const file = runner.testFile(index)
    writeFileSync(join(dir, file.name), file.text)
  }
  return dir
}

/** Runs the suite once; returns the wall time in ms, or throws when the run failed. */
function runOnce(runner: Runner, dir: string): number {
  const started = performance.now()
  const result = spawnSync(
    process.execPath,
    [join(packageRoot, 'node_modules', runner.bin), ...runner.args],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      timeout: 300_000,
    },
  )
  const elapsed = performance.now() - started
  if (result.status !== 0) {
    throw new Error(
      `${runner.name} run failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`,
    )
  }
  const summary = `${result.stdout}\n${result.stderr}`
  const expected = String(files * testsPerFile)
  if (!summary.includes(expected)) {
    throw new Error(`${runner.name} did not report ${expected} tests:\n${summary}`)
  }
  return elapsed
}

export interface OverheadRow {
  readonly runner: string
  readonly plainMs: number
  readonly cleanroomMs: number
  readonly ratio: number
}

export function runRunnerOverhead(): { rows: OverheadRow[]; checks: TargetCheck[] } {
  console.log(
    `\n## runner overhead: ${files * testsPerFile} tests (${files} files × ${testsPerFile}, one await each), plain vs cleanroom's one-line install, median of ${runs} interleaved runs\n`,
  )
  const rows: OverheadRow[] = []
  for (const runner of runners) {
    const plain = createProject(runner, false)
    const installed = createProject(runner, true)
    try {
      runOnce(runner, plain)
      runOnce(runner, installed)
      const plainTimes: number[] = []
      const cleanroomTimes: number[] = []
      for (let run = 0; run < runs; run++) {
        plainTimes.push(runOnce(runner, plain))
        cleanroomTimes.push(runOnce(runner, installed))
      }
      const plainMs = median(plainTimes)
      const cleanroomMs = median(cleanroomTimes)
      rows.push({ runner: runner.name, plainMs, cleanroomMs, ratio: cleanroomMs / plainMs })
    } finally {
      rmSync(plain, { recursive: true, force: true })
      rmSync(installed, { recursive: true, force: true })
    }
  }
  console.log(
    formatTable(
      [
        { title: 'runner' },
        { title: 'plain ms', align: 'right' },
        { title: 'cleanroom ms', align: 'right' },
        { title: 'ratio', align: 'right' },
        { title: `≤ ${targetRatio}` },
      ],
      rows.map((row) => [
        row.runner,
        row.plainMs.toFixed(0),
        row.cleanroomMs.toFixed(0),
        row.ratio.toFixed(3),
        verdict(row.ratio <= targetRatio),
      ]),
    ),
  )
  const checks = rows.map((row) => ({
    name: `runner overhead: ${row.runner}, cleanroom defaults / plain`,
    measured: `${row.ratio.toFixed(3)} (${row.cleanroomMs.toFixed(0)} / ${row.plainMs.toFixed(0)} ms)`,
    target: `≤ ${targetRatio}`,
    pass: row.ratio <= targetRatio,
  }))
  return { rows, checks }
}

if (isMain(import.meta.url)) {
  const { checks } = runRunnerOverhead()
  if (checks.some((check) => !check.pass)) process.exitCode = 1
}
