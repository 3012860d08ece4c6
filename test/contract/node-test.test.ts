import { describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// The README's one line for node:test, with the TAP reporter so the results can be read.
const command = [
  'node',
  '--test',
  '--test-reporter=tap',
  '--import',
  'cleanroom/node-test/register',
]

describe(`node:test with --import cleanroom/node-test/register (Node ${process.versions.node})`, () => {
  let run: SuiteRun
  const results = () => parseTap(run.stdout)
  const result = (name: string) => results().find((r) => r.name === name)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('node-test', command)
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails exactly the tests whose teardown failed, and the test that failed itself', () => {
    expect(results().map((r) => [r.name, r.ok])).toEqual([
      ['uses fixtures across levels', true],
      ['a failing disposer fails its test', false],
      ['a hanging disposer times out', false],
      ['still runs after the failures', true],
      ['a suite', true],
      ['a test that fails keeps its own error', false],
    ])
  })

  it('reports the failed cleanup on its test with its label, creation site and cause', () => {
    const details = result('a failing disposer fails its test')?.details ?? ''
    expect(details).toContain(
      '1 of 1 cleanup failed in scope "worker › file users.test.mjs › test "a failing disposer fails its test"":',
    )
    expect(details).toMatch(
      /- "drop schema" \(created at users\.test\.mjs:\d+:\d+\): Error: could not drop the schema/,
    )
    expect(details).toContain("code: 'ERR_CLEANROOM_CLEANUP'")
  })

  it('reports a hanging cleanup as timed out, and goes on', () => {
    expect(result('a hanging disposer times out')?.details).toMatch(
      /- "stuck flush" \(created at users\.test\.mjs:\d+:\d+\): timed out after 100 ms/,
    )
  })

  it('keeps the test’s own error first, and adds the cleanup failure beside it', () => {
    const own = result('a test that fails keeps its own error')
    expect(own?.details).toContain("error: 'the assertion failed first'")
    expect(own?.details).not.toContain('cleanup failed as well')
    expect(run.stdout).toMatch(
      /# cleanroom: 1 of 1 cleanup failed in scope .*a test that fails keeps its own error.*\n# {3}- "second failure" \(created at users\.test\.mjs:\d+:\d+\): Error: cleanup failed as well/,
    )
  })

  it('tears down in order: the test’s entries, its test fixture, and the file fixture last', () => {
    expect(run.order).toEqual([
      'test: poller stopped first',
      'test fixture: client released',
      'test fixture: client released',
      'file fixture: server closed',
    ])
  })
})

// Node 20 runs a test's beforeEach hooks but not its afterEach hooks when it calls t.skip();
// Node 24 runs both, and then reports the afterEach hook's failure on the skipped test without
// failing the run. (Node 22 is not run here: only what every version must do is checked.)
const nodeMajor = Number(process.versions.node.split('.')[0])

describe('node:test: a test that calls t.skip()', () => {
  let run: SuiteRun
  const results = () => parseTap(run.stdout)
  const leak =
    /test \\?"skips itself after leaking an interval\\?" left 1 resource running:\s+- setInterval\(\(\) => undefined, 60000 ms\)/

  it('runs and exits by itself; the tests after a skipped one pass', async () => {
    run = await runSuite('node-test-skip', command)
    expect(run.timedOut).toBe(false)
    const tests = results()
    expect(tests.slice(0, 4).map((r) => [r.name, r.ok || r.name.startsWith('skips')])).toEqual([
      ['skips itself after deferring a cleanup', true],
      ['the next test starts with a scope of its own', true],
      ['skips itself after leaking an interval', true],
      ['runs after the leaky skipped test', true],
    ])
  })

  it('disposes the skipped test’s scope before the next test begins, not with it', () => {
    expect(run.order).toEqual([
      'skipped test: body',
      'skipped test: cleanup ran',
      'next test: body',
      'next test: cleanup ran',
    ])
  })

  it('reports the skipped test’s leak, naming the test and the interval', () => {
    expect(`${run.stdout}\n${run.stderr}`).toMatch(leak)
  })

  it.runIf(nodeMajor === 20)(
    'Node 20: fails the file for it (one more entry, the root after hook’s), naming the test',
    () => {
      expect(run.code).toBe(1)
      const file = results()[4]
      expect(file?.ok).toBe(false)
      expect(file?.details).toMatch(
        /test \\?"skips itself after leaking an interval\\?", which ended without its afterEach hooks \(t\.skip\(\)\)/,
      )
      expect(file?.details).toMatch(leak)
    },
  )

  it.runIf(nodeMajor >= 24)(
    'Node 24: reports it on the skipped test, which Node does not count as a failure',
    () => {
      const skipped = results()[2]
      expect(skipped?.ok).toBe(false)
      expect(skipped?.details).toMatch(leak)
      expect(results()).toHaveLength(4)
      expect(run.code).toBe(0)
    },
  )
})
