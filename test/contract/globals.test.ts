import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// The shared corpus (suites/globals-shared/corpus.cjs), registered by each runner's suite with
// the one-line install and run in that runner's CLI: the one test that changes global state and
// leaves it so is reported (default 'warn'), put back ('restore') or failed ('fail'); the test
// after it records what it finds; no clean test, nor the runner's own stubs, mocks and fake
// timers, produces a word.
const require = createRequire(import.meta.url)
const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const reportDir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-globals-report-'))

afterAll(() => {
  rmSync(reportDir, { recursive: true, force: true })
})

const leaver = 'points the app at another API and leaves it so'
const reported = `test "${leaver}" changed global state: set process.env.USERS_API_URL; added 1 'unhandledRejection' listener`
/** In 'warn' mode, under Node's own process.env: the listener is the test's, the variable the file's. */
const reportedApart = [
  `test "${leaver}" changed global state: added 1 'unhandledRejection' listener`,
  /file \S*globals\.test\.\w+ changed global state: set process\.env\.USERS_API_URL\n.*In 'warn' mode process\.env is compared once per file/,
] as const

interface Runner {
  readonly title: string
  /** Whether, in 'warn' mode, a test's check sees `process.env` (watched, under Jest). */
  readonly envPerTestInWarn: boolean
  run(env: Record<string, string>): Promise<SuiteRun>
  /** Each test, and whether it passed; and a failed test's text. */
  results(run: SuiteRun): { tests: (readonly [string, boolean])[]; failure(name: string): string }
}

const options = (env: Record<string, string>) => ({
  env,
  timeoutMs: 20_000,
  with: ['globals-shared'],
})

const nodeTest: Runner = {
  title: 'node:test with --import cleanroom/node-test/register',
  envPerTestInWarn: false,
  run: (env) =>
    runSuite(
      'globals-node-test',
      ['node', '--test', '--test-reporter=tap', '--import', 'cleanroom/node-test/register'],
      options(env),
    ),
  results: (run) => {
    const tap = parseTap(run.stdout).filter((r) => r.name !== 'globals.test.cjs')
    return {
      tests: tap.map((r) => [r.name, r.ok] as const),
      failure: (name) => tap.find((r) => r.name === name)?.details ?? '',
    }
  },
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
  title:
    "Vitest with setupFiles: ['cleanroom/vitest/setup'] (unstubEnvs, unstubGlobals, restoreMocks)",
  envPerTestInWarn: false,
  run: async (env) => {
    const reportFile = join(reportDir, `vitest-${String(++vitestRuns)}.json`)
    const run = await runSuite(
      'globals-vitest',
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
  envPerTestInWarn: true,
  run: (env) =>
    runSuite(
      'globals-jest',
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

/** How often the run's output says a test changed global state. */
function reports(run: SuiteRun): number {
  return `${run.stdout}\n${run.stderr}`.split('changed global state').length - 1
}

describe.each([nodeTest, vitest, jest])('$title', (runner) => {
  it("warns by default for the test that left state changed (for its file, a variable under Node's own process.env), and leaves it so", async () => {
    const run = await runner.run({})
    expect(run.timedOut).toBe(false)
    const { tests } = runner.results(run)
    expect(tests.length).toBeGreaterThanOrEqual(4)
    expect(tests.every(([, passed]) => passed)).toBe(true)
    expect(run.code).toBe(0)
    const output = `${run.stdout}\n${run.stderr}`
    if (runner.envPerTestInWarn) {
      expect(output).toContain(reported)
      expect(reports(run)).toBe(1)
    } else {
      expect(output).toContain(reportedApart[0])
      expect(output).toMatch(reportedApart[1])
      expect(reports(run)).toBe(2)
    }
    expect(output).toContain("set globals: 'restore'")
    expect(run.order).toEqual(['USERS_API_URL=http://127.0.0.1:4010 listener=left'])
  })

  it('puts it back with CLEANROOM_GLOBALS=restore: the next test sees the original state', async () => {
    const run = await runner.run({ CLEANROOM_GLOBALS: 'restore' })
    expect(runner.results(run).tests.every(([, passed]) => passed)).toBe(true)
    expect(run.code).toBe(0)
    expect(`${run.stdout}\n${run.stderr}`).toContain(reported)
    expect(`${run.stdout}\n${run.stderr}`).toContain('cleanroom put it back')
    expect(reports(run)).toBe(1)
    expect(run.order).toEqual(['USERS_API_URL=unset listener=gone'])
  })

  it('fails that test alone with CLEANROOM_GLOBALS=fail, and puts the state back', async () => {
    const run = await runner.run({ CLEANROOM_GLOBALS: 'fail' })
    const results = runner.results(run)
    expect(results.tests.filter(([, passed]) => !passed).map(([name]) => name)).toEqual([leaver])
    expect(results.failure(leaver)).toContain(reported)
    expect(run.code).not.toBe(0)
    expect(run.order).toEqual(['USERS_API_URL=unset listener=gone'])
  })
})
