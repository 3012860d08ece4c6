import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// A node:test suite as a user writes it, with the README's one line for node:test.
const command = [
  'node',
  '--test',
  '--test-reporter=tap',
  '--import',
  'cleanroom/node-test/register',
]

describe('cleanroom/better-sqlite3 under node:test', () => {
  let run: SuiteRun
  const results = () => parseTap(run.stdout)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite('better-sqlite3', command, { link: ['better-sqlite3'] })
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails only the test that left an iterator open', () => {
    expect(results().map((r) => [r.name, r.ok])).toEqual([
      ['adds an order to its own copy', true],
      ['finds the seed unchanged, in a temp-file copy', true],
      ['leaves an iterator open', false],
      ['runs after the failure', true],
    ])
  })

  it('names the database, where it was created, and the open iterator', () => {
    const details = results().find((r) => r.name === 'leaves an iterator open')?.details ?? ''
    expect(details).toMatch(
      /- "orders copy" \(created at orders\.test\.mjs:\d+:\d+\): OpenIteratorError: better-sqlite3 database :memory: cannot be closed: an iterator from statement\.iterate\(\) is still open on it\. Finish the iteration, or call the iterator's return\(\) \(a break out of for…of does\), before the test ends\./,
    )
  })

  it('removes the seed’s and the copies’ temp files once their scopes end', () => {
    const files = run.order.map((line) => line.replace(/^[a-z ]+ /, ''))
    expect(run.order.map((line) => line.replace(/ \S+$/, ''))).toEqual([
      'seed',
      'copy',
      'temp copy',
    ])
    expect(files[1]).toBe(':memory:')
    for (const file of [files[0], files[2]]) {
      expect(file).toMatch(/cleanroom-sqlite-\w+\/test\.db$/)
      expect(existsSync(dirname(file ?? ''))).toBe(false)
    }
  })
})

const jestBin = fileURLToPath(new URL('../../node_modules/jest/bin/jest.js', import.meta.url))

/** The parts of Jest's `--json` output the assertions read. */
interface JestResults {
  testResults: {
    name: string
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[]
  }[]
}

describe('cleanroom/better-sqlite3 under Jest (a module registry per file)', () => {
  let run: SuiteRun
  const tests = () =>
    (JSON.parse(run.stdout) as JestResults).testResults
      .flatMap((file) => file.assertionResults)
      .sort((a, b) => a.fullName.localeCompare(b.fullName))

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite(
      'better-sqlite3-jest',
      ['node', jestBin, '--rootDir=.', '--json', '--no-watchman', '--cacheDirectory=.jest-cache'],
      { link: ['better-sqlite3'] },
    )
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails only the test that left an iterator open, naming it as an open iterator', () => {
    expect(tests().map((t) => [t.fullName, t.status])).toEqual([
      ['adds an order to a temp-file copy', 'passed'],
      ['has a database of its own', 'passed'],
      ['leaves an iterator open', 'failed'],
    ])
    // The addon's TypeError comes from another realm than Jest's test context: it is still
    // recognised as the open iterator.
    expect(tests()[2]?.failureMessages.join('\n')).toMatch(
      /- "better-sqlite3 database :memory:" \(created at orders\.test\.js:\d+:\d+\): OpenIteratorError: better-sqlite3 database :memory: cannot be closed: an iterator from statement\.iterate\(\) is still open on it\./,
    )
  })

  it('removes the temp-file copy', () => {
    expect(run.order).toHaveLength(1)
    expect(run.order[0]).toMatch(/cleanroom-sqlite-\w+\/test\.db$/)
    expect(existsSync(dirname(run.order[0] ?? ''))).toBe(false)
  })
})
