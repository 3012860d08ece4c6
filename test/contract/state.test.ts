import { describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// The state helpers under a real runner: node:test with the README's one line.
const command = [
  'node',
  '--test',
  '--test-reporter=tap',
  '--import',
  'cleanroom/node-test/register',
]

describe(`state helpers under node:test (Node ${process.versions.node})`, () => {
  let run: SuiteRun
  const result = (name: string) => parseTap(run.stdout).find((r) => r.name === name)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('state-node-test', command)
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('removes a temp dir and clears a module-level cache after each test, and purges modules loaded in a test', () => {
    for (const name of [
      'writes into a temp dir and fills the cache',
      'finds the temp dir removed and the cache empty',
      'loads a module after purgeModules()',
      'loads it afresh in the next test',
      'stops its poller when it ends',
    ]) {
      expect([name, result(name)?.ok]).toEqual([name, true])
    }
  })

  it('fails the test whose background task ignored its signal, naming the task and the wait', () => {
    const failed = result('a poller that ignores its signal')
    expect(failed?.ok).toBe(false)
    expect(failed?.details).toMatch(
      /- "async runner pollers" \(created at state\.test\.mjs:\d+:\d+\): AsyncTaskError: 1 task of async runner "pollers" did not stop cleanly:\n\s+- task "poll queue" did not stop within 100 ms of the abort: it was left running/,
    )
  })

  it('fails the test whose background task rejected, with the rejection', () => {
    const failed = result('a task that rejects')
    expect(failed?.ok).toBe(false)
    expect(failed?.details).toMatch(
      /- "async runner sync jobs" \(created at state\.test\.mjs:\d+:\d+\): AsyncTaskError: 1 task of async runner "sync jobs" did not stop cleanly:\n\s+- task "sync users" rejected: Error: the users API answered 503/,
    )
    expect(failed?.details).toContain("code: 'ERR_CLEANROOM_CLEANUP'")
  })

  it('fails the test after which a module-level cache could not be cleared', () => {
    const failed = result('uses the session cache')
    expect(failed?.ok).toBe(false)
    expect(failed?.details).toContain(
      'error: \'Clearing cache "sessions" (registered at cache-clear.test.mjs:4:18) after the test failed: its clear() failed: Error: the session store is read-only. The cache stays registered and is cleared again after the next test: make its clear() succeed.\'',
    )
    expect(failed?.details).toContain("code: 'ERR_CLEANROOM_CACHE_CLEAR'")
  })
})
