import { readFileSync, realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runSuite, type SuiteRun } from './run-suite.ts'

const packageRoot = realpathSync(fileURLToPath(new URL('../../', import.meta.url)))
const jestBin = fileURLToPath(new URL('../../node_modules/jest/bin/jest.js', import.meta.url))

// The real Jest CLI, in the temp project whose package.json has the one line
// `"setupFilesAfterEnv": ["cleanroom/jest/setup"]`; results as JSON on stdout, the report a
// person reads on stderr. No --forceExit: the run has to end by itself.
const jest = (...flags: string[]) => [
  'node',
  jestBin,
  '--rootDir=.',
  '--json',
  '--no-watchman',
  '--cacheDirectory=.jest-cache',
  ...flags,
]

/** The parts of Jest's `--json` output the assertions read. */
interface JestResults {
  numFailedTests: number
  numPassedTests: number
  testResults: {
    name: string
    status: 'passed' | 'failed'
    message: string
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[]
  }[]
}

const results = (run: SuiteRun) => JSON.parse(run.stdout) as JestResults
const file = (run: SuiteRun, name: string) => {
  const found = results(run).testResults.find((r) => r.name.endsWith(`/${name}`))
  if (found === undefined) throw new Error(`no results for ${name}`)
  return found
}
const test = (run: SuiteRun, name: string) =>
  results(run)
    .testResults.flatMap((r) => r.assertionResults)
    .find((r) => r.fullName === name)

/** The lines a test file logged, without its prefix, in order. */
const logOf = (run: SuiteRun, name: string) =>
  run.order
    .filter((line) => line.startsWith(`${name}: `))
    .map((line) => line.slice(name.length + 2))
const files = ['users', 'orders', 'teardown', 'deadlines']
const loadLine = /^loaded in process (\d+), child of (\d+)$/
const processes = (run: SuiteRun) =>
  files.map((name) => {
    const match = loadLine.exec(logOf(run, name)[0] ?? '')
    return { pid: Number(match?.[1]), ppid: Number(match?.[2]) }
  })
const withoutLoadLine = (lines: string[]) =>
  lines.filter((line) => !loadLine.test(line) && !line.startsWith('resolved '))

function expectExitedByItself(run: SuiteRun): void {
  expect(run.timedOut).toBe(false)
  expect(run.stderr).not.toContain('did not exit')
  expect(run.stderr).not.toContain('failed to exit gracefully')
  expect(run.code).toBe(1)
}

function expectStatuses(run: SuiteRun): void {
  const statuses = Object.fromEntries(
    results(run).testResults.map((r) => [
      r.name.slice(r.name.lastIndexOf('/') + 1),
      [r.status, r.assertionResults.map((a) => [a.fullName, a.status])],
    ]),
  )
  expect(statuses).toEqual({
    'users.test.js': [
      'failed',
      [
        ['uses fixtures across levels', 'passed'],
        ['a failing disposer fails its test', 'failed'],
        ['a hanging disposer times out', 'failed'],
        ['a suite still runs after the failures', 'passed'],
        ['a test that fails keeps its own error', 'failed'],
      ],
    ],
    'orders.test.js': [
      'passed',
      [
        ['gets a worker fixture of its own', 'passed'],
        ['runs in a scope tree of its own', 'passed'],
      ],
    ],
    // Its only test passes; the file fails, on its file fixture's teardown.
    'teardown.test.js': ['failed', [['passes, but its file fixture fails to tear down', 'passed']]],
    'deadlines.test.js': [
      'failed',
      [
        ['a slow cleanup meets its own deadline, not Jest’s hook timeout', 'passed'],
        ['a hanging cleanup times out on real time, with fake timers left installed', 'failed'],
      ],
    ],
  })
}

function expectTeardownOrder(run: SuiteRun): void {
  expect(withoutLoadLine(logOf(run, 'users'))).toEqual([
    'worker fixture: registry opened',
    'test: poller stopped first',
    'test fixture: client released',
    'test fixture: client released',
    'file fixture: server closed',
    'worker fixture: registry closed',
  ])
  expect(withoutLoadLine(logOf(run, 'orders'))).toEqual([
    'worker fixture: registry opened',
    'afterEach hook',
    'test: order deleted',
    'afterEach hook',
    'afterAll hook',
    'worker fixture: registry closed',
  ])
  expect(withoutLoadLine(logOf(run, 'teardown'))).toEqual(['file: module-level cleanup ran'])
  expect(withoutLoadLine(logOf(run, 'deadlines'))).toEqual(['test: slow flush done'])
}

describe(`Jest ${jestVersion()} with setupFilesAfterEnv: ['cleanroom/jest/setup'] (Node ${process.versions.node})`, () => {
  describe('in band: every test file in one process', () => {
    let run: SuiteRun

    it('runs the suite and exits by itself, failing', async () => {
      run = await runSuite('jest', jest('--runInBand'))
      expectExitedByItself(run)
      expect(results(run)).toMatchObject({ numFailedTests: 4, numPassedTests: 6 })
    })

    it('resolves cleanroom through the project’s node_modules link, to the CommonJS build', () => {
      // The link is the only way from the temp project to this package; Jest gives real paths.
      expect(logOf(run, 'orders').filter((line) => line.startsWith('resolved '))).toEqual([
        `resolved cleanroom to ${packageRoot}/dist/index.cjs`,
        `resolved cleanroom/jest/setup to ${packageRoot}/dist/jest-setup.cjs`,
      ])
    })

    it('runs every file in this one process', () => {
      for (const { pid, ppid } of processes(run)) {
        expect(ppid).toBe(process.pid)
        expect(pid).toBe(processes(run)[0]?.pid)
      }
    })

    it('fails exactly the tests whose cleanup failed, the test that failed itself, and the file whose teardown failed', () => {
      expectStatuses(run)
    })

    it('reports a failed cleanup on its test, with its label, creation site and cause', () => {
      const [message, ...others] =
        test(run, 'a failing disposer fails its test')?.failureMessages ?? []
      expect(others).toEqual([])
      expect(message).toMatch(
        /^CleanupError: 1 of 1 cleanup failed in scope "worker › file users\.test\.js › test "a failing disposer fails its test"":\n {2}- "drop schema" \(created at users\.test\.js:\d+:\d+\): Error: could not drop the schema\nEach failure is in `errors`, and the full report in `report`\.\n {4}at \/.*\/users\.test\.js:\d+:\d+/,
      )
      // What a person reads: the message whole, then the code where the cleanup was registered.
      expect(run.stderr).toMatch(
        /● a failing disposer fails its test\n\n {4}CleanupError: 1 of 1 cleanup failed in scope "worker › file users\.test\.js › test "a failing disposer fails its test"":\n {6}- "drop schema" \(created at users\.test\.js:\d+:\d+\): Error: could not drop the schema\n {4}Each failure is in `errors`, and the full report in `report`\.\n\n(?: {5}.*\n)*? {4}> \d+ \| {3}defer\(\n(?:.*\n)*? {6}at users\.test\.js:\d+:\d+\n/,
      )
    })

    it('reports a hanging cleanup as timed out, and goes on', () => {
      expect(test(run, 'a hanging disposer times out')?.failureMessages[0]).toMatch(
        /- "stuck flush" \(created at users\.test\.js:\d+:\d+\): timed out after 100 ms/,
      )
      expect(test(run, 'a suite still runs after the failures')?.status).toBe('passed')
    })

    it('keeps the test’s own error first, and lists the cleanup failure after it', () => {
      const messages = test(run, 'a test that fails keeps its own error')?.failureMessages ?? []
      expect(messages).toHaveLength(2)
      expect(messages[0]).toMatch(/^Error: expect\(received\)\.toBe\(expected\)/)
      expect(messages[1]).toMatch(
        /^CleanupError: 1 of 1 cleanup failed in scope .*a test that fails keeps its own error.*\n {2}- "second failure" \(created at users\.test\.js:\d+:\d+\): Error: cleanup failed as well/,
      )
      const own = run.stderr.indexOf('expect(received).toBe(expected)')
      const cleanup = run.stderr.indexOf('"second failure"')
      expect(own).toBeGreaterThan(-1)
      expect(cleanup).toBeGreaterThan(own)
    })

    it('reports a failed file-level teardown against the file', () => {
      const { message } = file(run, 'teardown.test.js')
      expect(message).toMatch(
        /● Test suite failed to run\n\n {4}CleanupError: 1 of 2 cleanups failed in scope "worker › file teardown\.test\.js":\n {6}- "drain queue" \(created at teardown\.test\.js:\d+:\d+\): Error: the queue would not drain\n {4}Every other cleanup ran\./,
      )
      expect(run.stderr).toContain('FAIL ./teardown.test.js')
    })

    it('gives cleanups cleanroom’s deadlines, on real time, not Jest’s hook timeout', () => {
      expect(run.stderr).not.toContain('Exceeded timeout')
      expect(
        test(run, 'a hanging cleanup times out on real time, with fake timers left installed')
          ?.failureMessages[0],
      ).toMatch(
        /- "stuck under fake timers" \(created at deadlines\.test\.js:\d+:\d+\): timed out after 200 ms/,
      )
    })

    it('tears down in order in each file: the test’s entries, its test fixture, the file fixture, the worker fixture', () => {
      expectTeardownOrder(run)
      // In one process, the files still run one after the other, each with its own scopes.
      const fileOrder = run.order.map((line) => line.slice(0, line.indexOf(':')))
      expect(fileOrder.filter((name, index) => name !== fileOrder[index - 1])).toHaveLength(4)
    })
  })

  describe('with two workers: several test files in each worker process', () => {
    let run: SuiteRun

    it('runs the suite and exits by itself, failing', async () => {
      run = await runSuite('jest', jest('--maxWorkers=2'))
      expectExitedByItself(run)
    })

    it('runs the files in worker processes, at least one of which runs several', () => {
      const all = processes(run)
      // One Jest process, other than this one, is the parent of every worker.
      const parents = new Set(all.map(({ ppid }) => ppid))
      expect(parents.size).toBe(1)
      expect(parents.has(process.pid)).toBe(false)
      expect(new Set(all.map(({ pid }) => pid)).size).toBeLessThan(files.length)
    })

    it('gives the same results, and a worker fixture per file', () => {
      expectStatuses(run)
      expectTeardownOrder(run)
    })
  })

  it('builds an adapter that requires nothing of Jest: only its own chunks and node built-ins', () => {
    for (const entry of ['jest.cjs', 'jest-setup.cjs']) {
      const source = readFileSync(`${packageRoot}/dist/${entry}`, 'utf8')
      const required = [...source.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2] ?? '')
      expect(required.length).toBeGreaterThan(0)
      for (const id of required) expect(id).toMatch(/^(\.\/|node:)/)
    }
  })
})

function jestVersion(): string {
  const manifest = new URL('../../node_modules/jest/package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}
