import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runSuite, type SuiteRun } from './run-suite.ts'

// The repo's own Vitest, run in the suite's project: its config holds the README's one line,
// `setupFiles: ['cleanroom/vitest/setup']`. The JSON report says exactly which tests passed;
// the default reporter's output is what users read, and is checked too.
const require = createRequire(import.meta.url)
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
const { version } = require('vitest/package.json') as { version: string }
const reportDir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-vitest-report-'))
const suiteDir = new URL('suites/vitest/', import.meta.url)

afterAll(() => {
  rmSync(reportDir, { recursive: true, force: true })
})

interface JsonReport {
  testResults: {
    name: string
    status: string
    assertionResults: {
      ancestorTitles: string[]
      title: string
      status: string
      failureMessages: string[]
    }[]
  }[]
}

interface VitestRun {
  readonly run: SuiteRun
  readonly report: JsonReport
}

/** Runs Vitest on the suite with `args` added to its command line. */
async function runVitest(name: string, args: readonly string[] = []): Promise<VitestRun> {
  const reportFile = join(reportDir, `${name}.json`)
  const run = await runSuite('vitest', [
    'node',
    vitest,
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...args,
  ])
  const report = run.timedOut
    ? { testResults: [] }
    : (JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport)
  return { run, report }
}

/** Each test of `file` in the report, named with its describe blocks, with its status. */
function testsOf(report: JsonReport, file: string) {
  return (report.testResults.find((r) => r.name.endsWith(`/${file}`))?.assertionResults ?? []).map(
    (t) => ({ ...t, name: [...t.ancestorTitles, t.title].join(' > ') }),
  )
}

const expectedStatuses = {
  'users.spec.ts': [
    ['uses fixtures across levels', 'passed'],
    ['a failing disposer fails its test', 'failed'],
    ['a hanging disposer times out', 'failed'],
    ['a slow disposer has until its own deadline, not Vitest’s hookTimeout', 'passed'],
    ['a suite > still runs after the failures', 'passed'],
    ['a test that fails keeps its own error', 'failed'],
    ['a cleanup that fails on the first try only passes on the retry', 'passed'],
    ['concurrent tests > first', 'passed'],
    ['concurrent tests > second', 'passed'],
    ['a suite with an aroundEach hook of its own > runs inside it', 'passed'],
    ['a suite with an aroundEach hook of its own > runs concurrently inside it', 'passed'],
  ],
  'files.spec.ts': [
    ['passes while its file’s cleanup fails', 'passed'],
    ['skips itself after registering a cleanup that fails', 'skipped'],
  ],
}

/** The text of line `line` (1-based) of a suite file. */
function sourceLine(file: string, line: number): string {
  return readFileSync(new URL(file, suiteDir), 'utf8').split('\n')[line - 1] ?? ''
}

/** The default reporter's block for one failure: from its FAIL line to the next separator. */
function failureBlocks(output: string, heading: string): string[] {
  return output
    .split(/\n⎯+\[\d+\/\d+\]⎯\n/)
    .map((block) => block.slice(block.indexOf(' FAIL ')))
    .filter((block) => block.startsWith(` FAIL  ${heading}\n`))
}

describe(`Vitest ${version} with setupFiles: ['cleanroom/vitest/setup']`, () => {
  let run: SuiteRun
  let report: JsonReport
  const messages = (file: string, name: string) =>
    testsOf(report, file).find((t) => t.name === name)?.failureMessages ?? []

  it('runs the suite and exits by itself, failing', async () => {
    ;({ run, report } = await runVitest('default'))
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails exactly the tests whose cleanup failed, and the test that failed itself', () => {
    for (const [file, statuses] of Object.entries(expectedStatuses)) {
      expect(testsOf(report, file).map((t) => [t.name, t.status])).toEqual(statuses)
    }
  })

  it('reports a failed cleanup on its test, pointing at the line that tracked it, with its cause', () => {
    const [block] = failureBlocks(run.stderr, 'users.spec.ts > a failing disposer fails its test')
    const created = /\(created at users\.spec\.ts:(\d+):3\)/.exec(block ?? '')
    const line = Number(created?.[1])
    expect(sourceLine('users.spec.ts', line)).toBe('  defer(')
    expect(sourceLine('users.spec.ts', line + 2)).toContain(
      "throw new Error('could not drop the schema')",
    )
    expect(block).toContain(
      [
        ' FAIL  users.spec.ts > a failing disposer fails its test',
        `DisposeError: Cleanup of "drop schema" (created at users.spec.ts:${line}:3) in scope "worker › file users.spec.ts › test "a failing disposer fails its test"" failed: Error: could not drop the schema`,
        ` ❯ users.spec.ts:${line}:3`,
      ].join('\n'),
    )
    expect(block).toMatch(
      new RegExp(
        `\\nCaused by: Error: could not drop the schema\\n ❯ .*users\\.spec\\.ts:${line + 2}:13\\n`,
      ),
    )
    expect(messages('users.spec.ts', 'a failing disposer fails its test')).toEqual([
      `DisposeError: Cleanup of "drop schema" (created at users.spec.ts:${line}:3) in scope "worker › file users.spec.ts › test "a failing disposer fails its test"" failed: Error: could not drop the schema\n    at users.spec.ts:${line}:3`,
    ])
  })

  it('reports a hanging cleanup as timed out, with what to do, and goes on', () => {
    const [message] = messages('users.spec.ts', 'a hanging disposer times out')
    expect(message).toMatch(
      /^DisposeTimeoutError: Cleanup of "stuck flush" \(created at users\.spec\.ts:\d+:3\) in scope "worker › file users\.spec\.ts › test "a hanging disposer times out"" timed out: it did not settle within its 100 ms timeout\. It was left behind and the other cleanups went on\. Raise its `timeout`, or find what its cleanup waits for\./,
    )
  })

  it('keeps the test’s own error first, and adds the cleanup failure after it', () => {
    const name = 'a test that fails keeps its own error'
    const [own, cleanup, ...rest] = messages('users.spec.ts', name)
    expect(own).toMatch(/^Error: the assertion failed first\n/)
    expect(cleanup).toMatch(
      /^DisposeError: Cleanup of "second failure" \(created at users\.spec\.ts:\d+:3\) in scope "worker › file users\.spec\.ts › test "a test that fails keeps its own error"" failed: Error: cleanup failed as well/,
    )
    expect(rest).toEqual([])
    // The default reporter shows both, the test's own error first.
    const blocks = failureBlocks(run.stderr, `users.spec.ts > ${name}`)
    expect(blocks.map((block) => block.split('\n')[1])).toEqual([
      'Error: the assertion failed first',
      expect.stringMatching(/^DisposeError: Cleanup of "second failure"/),
    ])
  })

  it('reports file-level cleanup failures against the file, and a skipped test’s too', () => {
    const blocks = failureBlocks(run.stderr, 'files.spec.ts [ files.spec.ts ]')
    expect(blocks.map((block) => block.split('\n')[1])).toEqual([
      expect.stringMatching(
        /^DisposeError: Cleanup of "remove fixture files" \(created at files\.spec\.ts:\d+:3\) in scope "worker › file files\.spec\.ts › test "skips itself after registering a cleanup that fails"" failed: Error: could not remove the fixture files$/,
      ),
      expect.stringMatching(
        /^DisposeError: Cleanup of "delete bucket" \(created at files\.spec\.ts:\d+:3\) in scope "worker › file files\.spec\.ts" failed: Error: the bucket is still in use$/,
      ),
    ])
    expect(report.testResults.find((r) => r.name.endsWith('/files.spec.ts'))?.status).toBe('failed')
  })

  it('disposes after every hook of the test, in order, and the file and worker scopes when the file ends', () => {
    const concurrent = run.order.filter((line) =>
      /^(afterEach: (first|second)|concurrent: )/.test(line),
    )
    expect(run.order.filter((line) => !concurrent.includes(line))).toEqual([
      'afterEach: uses fixtures across levels',
      'test: poller stopped first',
      'test fixture: client released',
      'afterEach: a failing disposer fails its test',
      'onTestFinished: a failing disposer fails its test',
      'test: the other cleanup still ran',
      'afterEach: a hanging disposer times out',
      'afterEach: a slow disposer has until its own deadline, not Vitest’s hookTimeout',
      'test: slow cleanup finished',
      'suite afterEach: still runs after the failures',
      'afterEach: still runs after the failures',
      'test fixture: client released',
      'afterEach: a test that fails keeps its own error',
      // A cleanup's failure fails the try it belongs to: Vitest tries again.
      'retried test: try 1',
      'afterEach: a cleanup that fails on the first try only passes on the retry',
      'retried test: try 2',
      'afterEach: a cleanup that fails on the first try only passes on the retry',
      // Through the hooks of Vitest's runner: inside the file's own aroundEach hooks, whose
      // code is the file's; after a concurrent test, the async context names its closed scope.
      'own aroundEach: before "runs inside it", in file users.spec.ts',
      'afterEach: runs inside it',
      'test: disposed',
      'own aroundEach: after "runs inside it", in file users.spec.ts',
      'own aroundEach: before "runs concurrently inside it", in file users.spec.ts',
      'afterEach: runs concurrently inside it',
      'test: concurrent one disposed',
      'own aroundEach: after "runs concurrently inside it", ScopeClosedError',
      'afterAll',
      'file fixture: server closed',
      'worker fixture: config dropped',
    ])
    // Concurrent tests interleave; each one's scope is disposed after its own afterEach.
    for (const name of ['first', 'second']) {
      const hook = run.order.indexOf(`afterEach: ${name}`)
      const disposed = run.order.indexOf(`concurrent: ${name} request aborted`)
      expect(hook).toBeGreaterThan(
        run.order.indexOf('afterEach: a test that fails keeps its own error'),
      )
      expect(disposed).toBeGreaterThan(hook)
      expect(disposed).toBeLessThan(run.order.indexOf('afterAll'))
    }
  })
})

describe('under each of Vitest’s pools', () => {
  it.each(['threads', 'vmThreads'])(
    'with --pool=%s, wraps the tests as under the default pool',
    async (pool) => {
      const { run, report } = await runVitest(`pool-${pool}`, [`--pool=${pool}`])
      expect(run.timedOut).toBe(false)
      expect(run.code).toBe(1)
      for (const [file, statuses] of Object.entries(expectedStatuses)) {
        expect(testsOf(report, file).map((t) => [t.name, t.status])).toEqual(statuses)
      }
      expect(run.order).toContain('own aroundEach: after "runs inside it", in file users.spec.ts')
    },
  )
})

describe('when Vitest runs the tests without the runner hooks cleanroom wrapped', () => {
  it('fails the file, saying so, rather than checking nothing', async () => {
    const run = await runSuite('vitest-unhooked', ['node', vitest, 'run'])
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    expect(run.stdout + run.stderr).toContain(
      "cleanroom/vitest: Vitest ran this file's tests without calling the hooks of its runner that cleanroom wraps",
    )
  })
})

describe('with isolate: false, one worker running both files in turn', () => {
  it('wraps the tests of every file, each file with fresh file and worker scopes', async () => {
    const { run, report } = await runVitest('no-isolate', ['--no-isolate', '--maxWorkers=1'])
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    for (const [file, statuses] of Object.entries(expectedStatuses)) {
      expect(testsOf(report, file).map((t) => [t.name, t.status])).toEqual(statuses)
    }
    expect(report.testResults.find((r) => r.name.endsWith('/files.spec.ts'))?.status).toBe('failed')
    expect(run.order).toContain('worker fixture: config dropped')
  })
})

describe('with a runner of its own in the config (runner), through an aroundEach hook', () => {
  it('wraps the tests as with Vitest’s runner, its scope ending outside the file’s own aroundEach hooks, whose code is the test’s', async () => {
    const { run, report } = await runVitest('custom-runner', [
      '--config',
      'vitest.custom-runner.config.mjs',
    ])
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    for (const [file, statuses] of Object.entries(expectedStatuses)) {
      expect(testsOf(report, file).map((t) => [t.name, t.status])).toEqual(statuses)
    }
    expect(report.testResults.find((r) => r.name.endsWith('/files.spec.ts'))?.status).toBe('failed')
    const own = run.order.filter((line) =>
      /^(own aroundEach|test: (concurrent one )?disposed$)/.test(line),
    )
    expect(own).toEqual([
      'own aroundEach: before "runs inside it", in test "runs inside it"',
      'own aroundEach: after "runs inside it", in test "runs inside it"',
      'test: disposed',
      'own aroundEach: before "runs concurrently inside it", in test "runs concurrently inside it"',
      'own aroundEach: after "runs concurrently inside it", in test "runs concurrently inside it"',
      'test: concurrent one disposed',
    ])
    // Each concurrent test still has its own scope, disposed after its own afterEach.
    for (const name of ['first', 'second']) {
      expect(run.order.indexOf(`concurrent: ${name} request aborted`)).toBeGreaterThan(
        run.order.indexOf(`afterEach: ${name}`),
      )
    }
  })
})
