import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RootHookObject } from 'mocha'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { MochaRootHooks } from '../../src/adapters/mocha.ts'
import { runSuite, type SuiteRun } from './run-suite.ts'

const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const mochaVersion = (
  JSON.parse(readFileSync(`${modules}mocha/package.json`, 'utf8')) as { version: string }
).version

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`

/**
 * The real Mocha CLI, with no --exit: the run has to end by itself. Mocha resolves a
 * `--require` module from its own directory, so, as in a user's project, Mocha is installed in
 * the temp project beside `node_modules/cleanroom`: a copy of this repository's Mocha, with
 * links to the rest of its node_modules for Mocha's dependencies. `exec` keeps one process.
 */
const mocha = (...args: string[]) => [
  'sh',
  '-c',
  [
    `cp -R ${quote(`${modules}mocha`)} node_modules/mocha`,
    `for entry in ${quote(modules)}*; do [ -e "node_modules/\${entry##*/}" ] || ln -s "$entry" node_modules/; done`,
    `exec ${quote(process.execPath)} node_modules/mocha/bin/mocha.js ${args.map(quote).join(' ')}`,
  ].join(' && '),
]

// The one line a user adds, `--require cleanroom/mocha`. `--timeout 500` is shorter than a
// cleanup in the suite: cleanroom's hooks must not be cut off by Mocha's hook timeout.
const suiteArgs = ['--require', 'cleanroom/mocha', '--timeout', '500']
const files = ['users.test.mjs', 'orders.test.cjs']

/** The parts of Mocha's JSON reporter output the assertions read. */
interface MochaJson {
  stats: { tests: number; failures: number }
  tests: { fullTitle: string; err: { message?: string } }[]
  failures: { fullTitle: string; err: { message?: string; name?: string } }[]
}

function expectExitedByItself(run: SuiteRun, code: number): void {
  expect(run.timedOut, run.stderr).toBe(false)
  expect(run.stderr).toBe('')
  expect(run.code).toBe(code)
}

/** The progress lines of Mocha's spec reporter, up to the summary. */
function progress(run: SuiteRun): string[] {
  const lines = run.stdout.split('\n').map((line) => line.trim())
  return lines
    .slice(
      0,
      lines.findIndex((line) => / passing \(\d+m?s\)$/.test(line)),
    )
    .filter(Boolean)
}

/** One numbered failure of Mocha's spec reporter epilogue, as printed. */
function failure(run: SuiteRun, number: number): string {
  const start = run.stdout.indexOf(`\n  ${number}) `, run.stdout.indexOf(' failing\n'))
  const end = run.stdout.indexOf(`\n  ${number + 1}) `, start + 1)
  return run.stdout.slice(start + 1, end === -1 ? undefined : end).trimEnd()
}

describe(`Mocha ${mochaVersion} with --require cleanroom/mocha (Node ${process.versions.node})`, () => {
  let spec: SuiteRun
  let json: SuiteRun
  const results = () => JSON.parse(json.stdout) as MochaJson

  it('runs the suite and exits by itself, failing once per failed cleanup', async () => {
    spec = await runSuite('mocha', mocha(...suiteArgs, ...files))
    json = await runSuite('mocha', mocha(...suiteArgs, '--reporter', 'json', ...files))
    // Four failed cleanups on tests, one on the file scope, one on the worker scope, and the
    // test that failed by itself.
    expectExitedByItself(spec, 6)
    expectExitedByItself(json, 6)
  })

  it('fails exactly the tests whose cleanup failed, and the test that failed itself', () => {
    expect(results().tests.map((t) => [t.fullTitle, t.err.message === undefined])).toEqual([
      ['users uses fixtures across levels', true],
      ['users a failing disposer fails its test', false],
      ['users still runs after the failing disposer', true],
      ['users a hanging disposer times out', false],
      ['users a slow disposer outlasts Mocha’s hook timeout', true],
      ['users a test that fails keeps its own error', false],
      ['users runs last', true],
      ['orders puts an order', true],
      ['more orders shares the file fixture with the other describe', true],
    ])
    expect(results().failures.map((f) => f.fullTitle)).toEqual([
      'users a failing disposer fails its test',
      'users a hanging disposer times out',
      'users a test that fails keeps its own error',
      'users a test that fails keeps its own error',
      'more orders "after all" hook: cleanroom: dispose the file scope for "shares the file fixture with the other describe"',
      '"after all" hook: cleanroom in "{root}"',
    ])
  })

  it('goes on with the rest of the describe after a failed cleanup, as Mocha does for --check-leaks', () => {
    // The test's own run passed (✔); the failed cleanup then fails it (a numbered line).
    expect(progress(spec)).toEqual([
      'users',
      '✔ uses fixtures across levels',
      '✔ a failing disposer fails its test',
      '1) a failing disposer fails its test',
      '✔ still runs after the failing disposer',
      '✔ a hanging disposer times out',
      '2) a hanging disposer times out',
      '✔ a slow disposer outlasts Mocha’s hook timeout',
      '3) a test that fails keeps its own error',
      '4) a test that fails keeps its own error',
      '✔ runs last',
      'orders',
      '✔ puts an order',
      'more orders',
      '✔ shares the file fixture with the other describe',
      '5) "after all" hook: cleanroom: dispose the file scope for "shares the file fixture with the other describe"',
      '6) "after all" hook: cleanroom in "{root}"',
    ])
  })

  it('shows the failed cleanup in Mocha’s output with its label, creation site and cause', () => {
    expect(failure(spec, 1)).toMatch(
      new RegExp(
        [
          '^  1\\) users',
          '       a failing disposer fails its test:',
          '     CleanupError: 1 of 1 cleanup failed in scope "worker › file users\\.test\\.mjs › test "a failing disposer fails its test"":',
          '  - "drop schema" \\(created at users\\.test\\.mjs:\\d+:\\d+\\): Error: could not drop the schema',
          'Each failure is in `errors`, and the full report in `report`\\.$',
        ].join('\n'),
      ),
    )
  })

  it('reports a hanging cleanup as timed out after its own deadline', () => {
    expect(failure(spec, 2)).toMatch(
      /- "stuck flush" \(created at users\.test\.mjs:\d+:\d+\): timed out after 100 ms/,
    )
  })

  it('keeps the test’s own error first, and adds the cleanup failure after it', () => {
    expect(failure(spec, 3)).toMatch(
      /^ {2}3\) users\n {7}a test that fails keeps its own error:\n {5}Error: the assertion failed first\n {6}at Context\.<anonymous> \(file:\/\/\/.*\/users\.test\.mjs:\d+:\d+\)/,
    )
    expect(failure(spec, 4)).toMatch(
      /^ {2}4\) users\n {7}a test that fails keeps its own error:\n {5}CleanupError: 1 of 1 cleanup failed in scope .*\n {2}- "second failure" \(created at users\.test\.mjs:\d+:\d+\): Error: cleanup failed as well/,
    )
    const own = results().tests.find((t) => t.fullTitle.endsWith('keeps its own error'))
    expect(own?.err.message).toBe('the assertion failed first')
  })

  it('fails the file’s last `after` hook when its file scope fails, and the root one for the worker', () => {
    expect(failure(spec, 5)).toMatch(
      /CleanupError: 1 of 2 cleanups failed in scope "worker › file orders\.test\.cjs":\n {2}- "export archive" \(created at orders\.test\.cjs:\d+:\d+\): Error: the archive refused the export/,
    )
    expect(failure(spec, 6)).toMatch(
      /CleanupError: 1 of 2 cleanups failed in scope "worker":\n {2}- "close registry" \(created at shared\.cjs:\d+:\d+\): Error: the registry refused to close/,
    )
  })

  it('tears down after your own afterEach hooks: the test, its fixture, each file, the worker last', () => {
    expect(spec.order).toEqual([
      'describe afterEach',
      'top-level afterEach',
      'test: poller stopped first',
      'test fixture: client released',
      'test fixture: client released',
      'file fixture: users server closed',
      'file fixture: orders table dropped',
      'worker fixture: registry closed',
    ])
    expect(json.order).toEqual(spec.order)
  })

  it('ends the worker scope with each file under --parallel', async () => {
    const run = await runSuite('mocha', mocha(...suiteArgs, '--parallel', '--jobs', '2', ...files))
    // As above, with the worker scope's failure once per file.
    expectExitedByItself(run, 7)
    expect(
      run.stdout.match(/CleanupError: 1 of 2 cleanups failed in scope "worker":/g),
    ).toHaveLength(2)
    // The two files run at the same time, in two processes: their logs interleave.
    expect([...run.order].sort()).toEqual([...spec.order, 'worker fixture: registry closed'].sort())
    expect(run.order.filter((line) => !/orders|worker/.test(line))).toEqual([
      'describe afterEach',
      'top-level afterEach',
      'test: poller stopped first',
      'test fixture: client released',
      'test fixture: client released',
      'file fixture: users server closed',
    ])
  })

  it('takes options from your own --require’d module', async () => {
    const run = await runSuite(
      'mocha',
      mocha('--require', './cleanroom.setup.mjs', '--reporter', 'json', 'options.test.mjs'),
    )
    expectExitedByItself(run, 1)
    const { tests } = JSON.parse(run.stdout) as MochaJson
    expect(tests.map((t) => [t.fullTitle, t.err.message === undefined])).toEqual([
      ['with options a cleanup hangs past the installed timeout', false],
      ['with options runs next', true],
    ])
    expect(tests[0]?.err.message).toMatch(
      /- "stuck queue" \(created at options\.test\.mjs:\d+:\d+\): timed out after 200 ms/,
    )
  })

  it('gives Mocha root hooks of the type Mocha declares', () => {
    expectTypeOf<MochaRootHooks>().toExtend<RootHookObject>()
  })
})
