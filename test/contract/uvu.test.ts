import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runSuite, type SuiteRun } from './run-suite.ts'

const modules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
const uvuVersion = (
  JSON.parse(readFileSync(`${modules}uvu/package.json`, 'utf8')) as { version: string }
).version

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`

/**
 * The real uvu CLI on the suite's tests/ folder. As in a user's project, uvu is installed in the
 * temp project beside `node_modules/cleanroom` (a link to this repository's uvu, whose own
 * dependencies resolve from where it really is), so that the test files can import it. uvu has
 * no option to end the process: the run has to end by itself. `exec` keeps one process.
 */
const uvu = (...args: string[]) => [
  'sh',
  '-c',
  [
    `ln -s ${quote(`${modules}uvu`)} node_modules/uvu`,
    `exec ${quote(process.execPath)} node_modules/uvu/bin.js ${args.map(quote).join(' ')}`,
  ].join(' && '),
]

/** The tests of each file, in the order they are written: uvu prints no name of a passing test. */
const testsOf: Record<string, readonly string[]> = {
  'orders.mjs': [
    'puts an order',
    'fails when its cleanup fails',
    'sees what the first test left in the file fixture',
    'fails on its own, and its cleanup fails too',
    'still runs after both failures',
  ],
  'receipts.mjs': ['prints a receipt in a scope of its own'],
  'users.mjs': ['signs in', 'starts with no one signed in'],
}

/** One suite's run, from its line of marks: `• ` for a test that passed, `✘ ` for a failed one. */
interface UvuSuite {
  readonly file: string
  /** The suite's name; empty for a suite made without one, as uvu's `test`. */
  readonly suite: string
  readonly ok: readonly boolean[]
  /** uvu's own count, `(passed / total)`. */
  readonly passed: number
  readonly total: number
}

/** A failed test, from its ` FAIL ` block. */
interface UvuFailure {
  readonly file: string
  readonly suite: string
  readonly test: string
  /** The lines under the block's header: the error's message, then the stack uvu keeps. */
  readonly text: string
}

/** uvu's default report, without colours: the suites with their marks, the failures, the totals. */
function parseUvu(output: string) {
  const suites: UvuSuite[] = []
  const failures: UvuFailure[] = []
  const totals: Record<string, number> = {}
  let file = ''
  let failure: { file: string; suite: string; test: string; lines: string[] } | undefined
  const close = () => {
    if (failure !== undefined) {
      const { lines, ...rest } = failure
      failures.push({ ...rest, text: lines.join('\n').trim() })
    }
    failure = undefined
  }
  for (const line of output.split('\n')) {
    const header = /^(\S+\.mjs)$/.exec(line)
    const marks = /^(?: (.+?) {2})?((?:[•✘] )*) {2}\((\d+) \/ (\d+)\)$/.exec(line)
    const failed = /^ {2} FAIL (?: (.+) )? "(.*)"$/.exec(line)
    const total = /^ {2}(Total|Passed|Skipped): +(\d+)$/.exec(line)
    if (header !== null || marks !== null || failed !== null || total !== null) close()
    if (header !== null) {
      file = header[1] ?? ''
    } else if (marks !== null) {
      suites.push({
        file,
        suite: marks[1] ?? '',
        ok: (marks[2] ?? '')
          .split(' ')
          .filter(Boolean)
          .map((mark) => mark === '•'),
        passed: Number(marks[3]),
        total: Number(marks[4]),
      })
    } else if (failed !== null) {
      failure = { file, suite: failed[1] ?? '', test: failed[2] ?? '', lines: [] }
    } else if (total !== null) {
      totals[total[1] ?? ''] = Number(total[2])
    } else {
      failure?.lines.push(line)
    }
  }
  close()
  return { suites, failures, totals }
}

/** Where, in the suite's file, the line holding `text` is, after the line holding `after`. */
function lineOf(file: string, after: string, text: string): number {
  const lines = readFileSync(new URL(`suites/uvu/tests/${file}`, import.meta.url), 'utf8').split(
    '\n',
  )
  const start = lines.findIndex((line) => line.includes(after))
  const index = lines.findIndex((line, at) => at > start && line.includes(text))
  if (start === -1 || index === -1) throw new Error(`no "${text}" after "${after}" in ${file}`)
  return index + 1
}

describe(`the generic binder, cleanroom/hooks, on uvu ${uvuVersion} (Node ${process.versions.node})`, () => {
  let run: SuiteRun
  const report = () => parseUvu(run.stdout)
  const failure = (test: string) => report().failures.find((f) => f.test === test)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('uvu', uvu('tests', '--no-color'))
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    expect(run.stderr).not.toContain('Exiting early')
  })

  it('fails exactly the test whose cleanup failed, and the test that failed itself', () => {
    const { suites, totals } = report()
    expect(
      suites.map(({ file, suite, ok }) => ({
        file,
        suite,
        tests: ok.map((passed, index) => [testsOf[file]?.[index], passed]),
      })),
    ).toEqual([
      {
        file: 'orders.mjs',
        suite: '',
        tests: [
          ['puts an order', true],
          ['fails when its cleanup fails', false],
          ['sees what the first test left in the file fixture', true],
          ['fails on its own, and its cleanup fails too', false],
          ['still runs after both failures', true],
        ],
      },
      {
        file: 'receipts.mjs',
        suite: '',
        tests: [['prints a receipt in a scope of its own', true]],
      },
      {
        file: 'users.mjs',
        suite: 'users',
        tests: [
          ['signs in', true],
          ['starts with no one signed in', true],
        ],
      },
    ])
    expect(suites.map(({ passed, total }) => [passed, total])).toEqual([
      [3, 5],
      [1, 1],
      [2, 2],
    ])
    expect(totals).toEqual({ Total: 8, Passed: 6, Skipped: 0 })
    expect(report().failures.map(({ file, suite, test }) => [file, suite, test])).toEqual([
      ['orders.mjs', '', 'fails when its cleanup fails'],
      ['orders.mjs', '', 'fails on its own, and its cleanup fails too'],
    ])
  })

  it('reports the failed cleanup on its test with its label, creation site and cause', () => {
    const line = lineOf('orders.mjs', "test('fails when its cleanup fails'", 'defer(')
    const text = failure('fails when its cleanup fails')?.text ?? ''
    expect(text).toMatch(
      /^1 of 1 cleanup failed in scope "worker › file .* › test "fails when its cleanup fails"":$/m,
    )
    expect(text).toContain(
      `- "ack queue" (created at tests/orders.mjs:${line}:3): Error: the queue refused the ack`,
    )
  })

  it('keeps the own error of a test that failed, and prints its failed cleanup beside it', () => {
    const line = lineOf('orders.mjs', "test('fails on its own", 'defer(')
    const text = failure('fails on its own, and its cleanup fails too')?.text ?? ''
    expect(text).toMatch(/^the arithmetic failed first {2}\(is\)$/m)
    expect(text).not.toContain('refund')
    expect(run.stderr).toContain(
      'cleanroom: "fails on its own, and its cleanup fails too" failed, and so did its cleanup:',
    )
    expect(run.stderr).toContain(
      `- "refund" (created at tests/orders.mjs:${line}:3): Error: the refund was not voided`,
    )
  })

  it('tears down each test, a suite’s file fixture after its own after hook, the worker fixture at exit', () => {
    expect(run.order).toEqual([
      'orders: request aborted',
      'orders: last test cleaned up',
      'orders: file fixture dropped',
      'receipts: printer released',
      'users: session closed',
      'users: session closed',
      'users: own after hook',
      'users: file fixture dropped',
      'worker fixture: registry closed',
    ])
  })
})
