import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runSuite, type SuiteRun } from './run-suite.ts'

const jestBin = fileURLToPath(new URL('../../node_modules/jest/bin/jest.js', import.meta.url))

/** The parts of Jest's `--json` output the assertions read. */
interface JestResults {
  testResults: {
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[]
  }[]
}

// cleanroom/jest without jest-circus's event handlers (as under jest-jasmine2): it falls back to
// Jest's hooks, with the same results.
describe('cleanroom/jest without jest-circus events: the hooks fallback', () => {
  let run: SuiteRun
  const tests = () =>
    (JSON.parse(run.stdout) as JestResults).testResults.flatMap((r) => r.assertionResults)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('jest-hooks', [
      'node',
      jestBin,
      '--rootDir=.',
      '--json',
      '--no-watchman',
      '--cacheDirectory=.jest-cache',
    ])
    expect(run.timedOut).toBe(false)
    expect(run.stderr).not.toContain('did not exit')
    expect(run.code).toBe(1)
    expect(run.order[0]).toBe('event handlers hidden: true')
  })

  it('fails the test whose cleanup failed and the test that leaked, and no other', () => {
    expect(tests().map((t) => [t.fullName, t.status])).toEqual([
      ['tears down what it deferred', 'passed'],
      ['fails when its cleanup fails', 'failed'],
      ['runs after the failure', 'passed'],
      ['fails when it leaves an interval running', 'failed'],
    ])
    const failure = (name: string) => tests().find((t) => t.fullName === name)?.failureMessages[0]
    expect(failure('fails when its cleanup fails')).toMatch(
      /"flush cache" \(created at hooks\.test\.js:\d+:\d+\): Error: the cache would not flush/,
    )
    expect(failure('fails when it leaves an interval running')).toContain(
      'test "fails when it leaves an interval running" left 1 resource running:\n  - setInterval(poll, 1000 ms)',
    )
  })

  it('tears each test down after it', () => {
    expect(run.order.slice(1)).toEqual(['test: cleaned up', 'test after the failure: cleaned up'])
  })
})

// What a person reads: Jest's report of a leak with no creation site keeps the whole message, and
// shows the code where the leaking test was declared.
describe('cleanroom/jest: a leak as Jest reports it', () => {
  it('keeps the whole message, and points at the test', async () => {
    const run = await runSuite('jest-report', [
      'node',
      jestBin,
      '--rootDir=.',
      '--no-watchman',
      '--cacheDirectory=.jest-cache',
    ])
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      [
        '    LeakError: test "leaves its poller running" left 1 resource running:',
        '      - setInterval(poll, 1000 ms)',
        '    Close them in the test, or track() them so cleanroom disposes them. They were force-closed.',
      ].join('\n'),
    )
    expect(run.stderr).toMatch(/> 1 \| test\('leaves its poller running'/)
    expect(run.stderr).toContain('at poller.test.js:1:1')
  })
})
