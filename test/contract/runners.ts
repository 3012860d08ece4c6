import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTap, runSuite, type SuiteOptions, type SuiteRun } from './run-suite.ts'

const require = createRequire(import.meta.url)
const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')

/** What a runner reported, read from its own report. */
export interface Results {
  /** Each test, in order, and whether it passed. */
  readonly tests: readonly (readonly [string, boolean])[]
  /** The failure text of a test. */
  failure(name: string): string
}

/** One runner's CLI, run on a suite with the README's one-line install. */
export interface Runner {
  readonly title: string
  run(env: Record<string, string>): Promise<SuiteRun>
  results(run: SuiteRun): Results
}

/** One suite, as each runner runs it. */
export interface RunnerSpec {
  /** The suite folder (of test/contract/suites) each runner runs; see `runSuite`. */
  readonly suites: Readonly<Record<'nodeTest' | 'vitest' | 'jest' | 'mocha', string>>
  /** Test files for node:test; all it finds by default. */
  readonly nodeTestFiles?: readonly string[]
  /** How Jest finds its config, e.g. `--rootDir=.` or `--config=jest.config.cjs`. */
  readonly jestConfig: string
  /** The file Mocha runs. */
  readonly mochaFile: string
  /** Which entries of node:test's TAP output are tests (not suites, not files). */
  readonly isTest: (name: string) => boolean
  /** How to run the suite with `env` added to the environment. */
  readonly options: (env: Record<string, string>) => SuiteOptions
}

/** The four runners' CLIs, each on the suite `spec` describes, with a `dispose` for their reports. */
export function contractRunners(spec: RunnerSpec): {
  readonly runners: readonly Runner[]
  readonly dispose: () => void
} {
  const reportDir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-report-'))
  let vitestRuns = 0

  const nodeTest: Runner = {
    title: `node:test with --import cleanroom/node-test/register (Node ${process.versions.node})`,
    run: (env) =>
      runSuite(
        spec.suites.nodeTest,
        [
          'node',
          '--test',
          '--test-reporter=tap',
          '--import',
          'cleanroom/node-test/register',
          ...(spec.nodeTestFiles ?? []),
        ],
        spec.options(env),
      ),
    results: (run) => {
      const tap = parseTap(run.stdout).filter((r) => spec.isTest(r.name))
      return {
        tests: tap.map((r) => [r.name, r.ok] as const),
        failure: (name) => tap.find((r) => r.name === name)?.details ?? '',
      }
    },
  }

  const vitest: Runner = {
    title: "Vitest with setupFiles: ['cleanroom/vitest/setup']",
    run: async (env) => {
      const reportFile = join(reportDir, `vitest-${String(++vitestRuns)}.json`)
      const run = await runSuite(
        spec.suites.vitest,
        [
          'node',
          vitestBin,
          'run',
          // The default reporter too: it prints what tests write to the console (warnings).
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${reportFile}`,
        ],
        spec.options(env),
      )
      // The JSON report, on stdout as the other runners give theirs.
      return run.timedOut ? run : { ...run, stdout: readFileSync(reportFile, 'utf8') }
    },
    results: (run) => fromJsonReport(run.stdout),
  }

  const jest: Runner = {
    title: "Jest with setupFilesAfterEnv: ['cleanroom/jest/setup']",
    run: (env) =>
      runSuite(
        spec.suites.jest,
        [
          'node',
          `${modules}jest/bin/jest.js`,
          spec.jestConfig,
          '--json',
          '--no-watchman',
          '--cacheDirectory=.jest-cache',
        ],
        spec.options(env),
      ),
    results: (run) => fromJsonReport(run.stdout),
  }

  // As in mocha.test.ts: Mocha is copied into the project, to resolve `--require` from there.
  const mocha: Runner = {
    title: 'Mocha with --require cleanroom/mocha',
    run: (env) =>
      runSuite(
        spec.suites.mocha,
        [
          'sh',
          '-c',
          [
            `cp -R ${quote(`${modules}mocha`)} node_modules/mocha`,
            `for entry in ${quote(modules)}*; do [ -e "node_modules/\${entry##*/}" ] || ln -s "$entry" node_modules/; done`,
            `exec ${quote(process.execPath)} node_modules/mocha/bin/mocha.js --require cleanroom/mocha --reporter json ${quote(spec.mochaFile)}`,
          ].join(' && '),
        ],
        spec.options(env),
      ),
    results: (run) => {
      const report = JSON.parse(run.stdout) as MochaReport
      return {
        tests: report.tests.map((t) => [t.title, t.err.message === undefined] as const),
        failure: (name) => report.tests.find((t) => t.title === name)?.err.message ?? '',
      }
    },
  }

  return {
    runners: [nodeTest, vitest, jest, mocha],
    dispose: () => {
      rmSync(reportDir, { recursive: true, force: true })
    },
  }
}

/** Vitest's and Jest's `--json` reports share this shape. */
interface JsonReport {
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

interface MochaReport {
  tests: { title: string; err: { message?: string } }[]
}

function fromJsonReport(text: string): Results {
  const all = (JSON.parse(text) as JsonReport).testResults.flatMap((r) => r.assertionResults)
  return {
    tests: all.map((t) => [t.title, t.status === 'passed'] as const),
    failure: (name) => all.find((t) => t.title === name)?.failureMessages.join('\n') ?? '',
  }
}

function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}
