import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTap, runSuite } from './run-suite.ts'
import { contractRunners } from './runners.ts'

// The shared corpus (suites/memory-shared/corpus.cjs), registered by each runner's suite with
// the one-line install and run in that runner's CLI: with CLEANROOM_MEMORY=1 the test that keeps
// 20 MB in a module-level cache is reported and the clean one that allocated as much is not;
// whatever the memory option, expectCollected fails the test that kept its session in a
// module-level array, naming the label and the call site, and passes the one that dropped it.
const { cases } = createRequire(import.meta.url)('./suites/memory-shared/corpus.cjs') as {
  cases: { name: string }[]
}

const retainer = 'caches every rendered report'
const keeper = 'keeps its session in a module-level array'
const grew = new RegExp(
  `test "(?:memory\\.test\\.js )?${retainer}" grew the heap by (?:19|2\\d)\\.\\d MB \\(after a forced garbage collection: \\d+\\.\\d MB as it began, \\d+\\.\\d MB after its teardown\\), above memory\\.warnAbove \\(10\\.0 MB\\)`,
)
/** The line of the corpus where the kept session is given to expectCollected. */
const expectLine =
  readFileSync(new URL('suites/memory-shared/corpus.cjs', import.meta.url), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes("expectCollected(session, 'session of grace')")) + 1
const notCollected = new RegExp(
  `1 value expected to be garbage is still reachable after the test's teardown and a forced garbage collection:\\s+- session of grace \\(expectCollected at corpus\\.cjs:${expectLine}:7\\)`,
)

const options = (env: Record<string, string>) => ({
  env,
  timeoutMs: 30_000,
  with: ['memory-shared'],
})

const { runners, dispose } = contractRunners({
  suites: {
    nodeTest: 'memory-node-test',
    vitest: 'memory-vitest',
    jest: 'memory-jest',
    mocha: 'memory-mocha',
  },
  nodeTestFiles: ['memory.test.cjs'],
  jestConfig: '--rootDir=.',
  mochaFile: 'memory.test.cjs',
  isTest: (name) => cases.some((c) => c.name === name),
  options,
})

afterAll(dispose)

describe.each(runners)('$title', (runner) => {
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
    const tap = parseTap(run.stdout).filter((r) => cases.some((c) => c.name === r.name))
    const results = {
      tests: tap.map((r) => [r.name, r.ok] as const),
      failure: (name: string) => tap.find((r) => r.name === name)?.details ?? '',
    }
    expect(results.tests.filter(([, passed]) => !passed).map(([name]) => name)).toEqual([
      retainer,
      keeper,
    ])
    expect(results.failure(retainer)).toContain('MemoryGrowthError')
    expect(results.failure(retainer)).toMatch(
      new RegExp(
        `test "${retainer}" grew the heap by (?:19|2\\d)\\.\\d MB .*above memory\\.failAbove \\(10\\.0 MB\\)`,
      ),
    )
  })
})
