import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// The shared corpus (suites/memory-shared/corpus.cjs), registered by each runner's suite with
// the one-line install and run in that runner's CLI: with CLEANROOM_MEMORY=1 the test that keeps
// 20 MB in a module-level cache is reported and the clean one that allocated as much is not;
// whatever the memory option, expectCollected fails the test that kept its session in a
// module-level array, naming the label and the call site, and passes the one that dropped it.
const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const require = createRequire(import.meta.url)
const reportDir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-memory-report-'))

afterAll(() => {
  rmSync(reportDir, { recursive: true, force: true })
})

const retainer = 'caches every rendered report'
const keeper = 'keeps its session in a module-level array'
const grew = new RegExp(
  `test "(?:memory\\.test\\.js )?${retainer}" grew the heap by 2\\d\\.\\d MB \\(after a forced garbage collection: \\d+\\.\\d MB as it began, \\d+\\.\\d MB after its teardown\\), above memory\\.warnAbove \\(10\\.0 MB\\)`,
)
/** The line of the corpus where the kept session is given to expectCollected. */
const expectLine =
  readFileSync(new URL('suites/memory-shared/corpus.cjs', import.meta.url), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes("expectCollected(session, 'session of grace')")) + 1
const notCollected = new RegExp(
  `1 value expected to be garbage is still reachable after the test's teardown and a forced garbage collection:\\s+- session of grace \\(expectCollected at corpus\\.cjs:${expectLine}:7\\)`,
)

interface Runner {
  readonly title: string
  run(env: Record<string, string>): Promise<SuiteRun>
  results(run: SuiteRun): { tests: (readonly [string, boolean])[]; failure(name: string): string }
}

const options = (env: Record<string, string>) => ({
  env,
  timeoutMs: 30_000,
  with: ['memory-shared'],
})

function tapResults(run: SuiteRun) {
  const tap = parseTap(run.stdout).filter((r) => r.name !== 'memory.test.cjs')
  return {
    tests: tap.map((r) => [r.name, r.ok] as const),
    failure: (name: string) => tap.find((r) => r.name === name)?.details ?? '',
  }
}

const nodeTest: Runner = {
  title: 'node:test with --import cleanroom/node-test/register',
  run: (env) =>
    runSuite(
      'memory-node-test',
      ['node', '--test', '--test-reporter=tap', '--import', 'cleanroom/node-test/register'],
      options(env),
    ),
  results: tapResults,
}

interface JsonReport {
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

function jsonResults(text: string) {
  const tests = (JSON.parse(text) as JsonReport).testResults.flatMap((r) => r.assertionResults)
  return {
    tests: tests.map((t) => [t.title, t.status === 'passed'] as const),
    failure: (name: string) =>
      tests.find((t) => t.title === name)?.failureMessages.join('\n') ?? '',
  }
}

const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
let vitestRuns = 0
const vitest: Runner = {
  title: "Vitest with setupFiles: ['cleanroom/vitest/setup']",
  run: async (env) => {
    const reportFile = join(reportDir, `vitest-${String(++vitestRuns)}.json`)
    const run = await runSuite(
      'memory-vitest',
      [
        'node',
        vitestBin,
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${reportFile}`,
      ],
      options(env),
    )
    return { ...run, report: run.timedOut ? '' : readFileSync(reportFile, 'utf8') } as SuiteRun
  },
  results: (run) => jsonResults((run as SuiteRun & { report: string }).report),
}

const jest: Runner = {
  title: "Jest with setupFilesAfterEnv: ['cleanroom/jest/setup']",
  run: (env) =>
    runSuite(
      'memory-jest',
      [
        'node',
        `${modules}jest/bin/jest.js`,
        '--rootDir=.',
        '--json',
        '--no-watchman',
        '--cacheDirectory=.jest-cache',
      ],
      options(env),
    ),
  results: (run) => jsonResults(run.stdout),
}

describe.each([nodeTest, vitest, jest])('$title', (runner) => {
  it('with CLEANROOM_MEMORY=1, reports the test that keeps 20 MB, not the one that dropped as much; expectCollected fails the test that kept its session', async () => {
    const run = await runner.run({ CLEANROOM_MEMORY: '1' })
    expect(run.timedOut).toBe(false)
    const results = runner.results(run)
    expect(results.tests.filter(([, passed]) => !passed).map(([name]) => name)).toEqual([keeper])
    expect(results.tests).toHaveLength(4)
    expect(results.failure(keeper)).toMatch(notCollected)
    const output = `${run.stdout}\n${run.stderr}`
    expect(output).toMatch(grew)
    expect(output.split('grew the heap by')).toHaveLength(2)
    expect(run.code).not.toBe(0)
  })

  it('without memory checks, expectCollected still fails the test that kept its session, and nothing is measured', async () => {
    const run = await runner.run({})
    const results = runner.results(run)
    expect(results.tests.filter(([, passed]) => !passed).map(([name]) => name)).toEqual([keeper])
    expect(results.failure(keeper)).toMatch(notCollected)
    expect(`${run.stdout}\n${run.stderr}`).not.toContain('grew the heap')
  })
})

describe('node:test with installCleanroom({ memory: { failAbove: "10 MB" } })', () => {
  it('fails the test that keeps 20 MB with MemoryGrowthError, and passes the clean one', async () => {
    const run = await runSuite(
      'memory-node-test',
      ['node', '--test', '--test-reporter=tap', '--import', './setup.mjs'],
      options({}),
    )
    const results = tapResults(run)
    expect(results.tests.filter(([, passed]) => !passed).map(([name]) => name)).toEqual([
      retainer,
      keeper,
    ])
    expect(results.failure(retainer)).toContain('MemoryGrowthError')
    expect(results.failure(retainer)).toMatch(
      new RegExp(
        `test "${retainer}" grew the heap by 2\\d\\.\\d MB .*above memory\\.failAbove \\(10\\.0 MB\\)`,
      ),
    )
  })
})
