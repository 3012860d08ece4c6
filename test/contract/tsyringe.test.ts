import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { parseTap, runSuite, type SuiteRun } from './run-suite.ts'

// A CommonJS app wired with tsyringe (suites/tsyringe-shared), tested the way its users test
// it: a container per test from createTestContainer, the transaction given as an override.
const link = ['tsyringe', 'reflect-metadata']

/** What order.log must hold: each test's container disposed dependents first, nothing else. */
const expectedOrder = [
  'UsersService first',
  'UsersRepository first',
  'SignupService second',
  'Mailer',
  'UsersService second',
  'UsersRepository second',
  'UsersService third',
  'UsersRepository third',
]

/** Where the test whose mailer fails to close resolved it: `file:line`, in the suite's `file`. */
const resolvedAt = (suite: string, file: string) => {
  const source = readFileSync(new URL(`suites/${suite}/${file}`, import.meta.url), 'utf8')
  const line = source.split('\n').findIndex((text) => text.includes('.resolve(SignupService)')) + 1
  return `${file.replace('.', '\\.')}:${line}`
}

describe('cleanroom/tsyringe under node:test', () => {
  let run: SuiteRun
  const results = () => parseTap(run.stdout)

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite(
      'tsyringe-node-test',
      ['node', '--test', '--test-reporter=tap', '--import', 'cleanroom/node-test/register'],
      { with: ['tsyringe-shared'], link },
    )
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails only the test whose disposer failed', () => {
    expect(results().map((r) => [r.name, r.ok])).toEqual([
      ['resolves the service on the test transaction', true],
      ['signs a user up, and its mailer fails to close', false],
      ['runs after the failure, on a container of its own', true],
    ])
  })

  it('names the failing service and the line that resolved it', () => {
    const details =
      results().find((r) => r.name === 'signs a user up, and its mailer fails to close')?.details ??
      ''
    const at = resolvedAt('tsyringe-node-test', 'users.test.cjs')
    expect(details).toMatch(
      new RegExp(
        '1 of 5 cleanups failed in scope "worker › file users\\.test\\.cjs › test "signs a user up, and its mailer fails to close"":\\n' +
          `\\s*- "Mailer" \\(created at ${at}:\\d+\\): Error: SMTP connection already closed\\n` +
          '\\s*Every other cleanup ran\\.',
      ),
    )
  })

  it('disposes each container dependents first, and never the transaction it was given', () => {
    expect(run.order).toEqual(expectedOrder)
  })
})

const require = createRequire(import.meta.url)
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
const reportDir = mkdtempSync(join(tmpdir(), 'cleanroom-contract-tsyringe-report-'))

afterAll(() => {
  rmSync(reportDir, { recursive: true, force: true })
})

interface JsonReport {
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

describe("cleanroom/tsyringe under Vitest with setupFiles: ['cleanroom/vitest/setup']", () => {
  let run: SuiteRun
  let report: JsonReport
  const tests = () => report.testResults.flatMap((file) => file.assertionResults)

  it('runs the suite and exits by itself, failing', async () => {
    const reportFile = join(reportDir, 'report.json')
    run = await runSuite(
      'tsyringe-vitest',
      ['node', vitest, 'run', '--reporter=json', `--outputFile.json=${reportFile}`],
      { with: ['tsyringe-shared'], link },
    )
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport
  })

  it('fails only the test whose disposer failed, naming the service', () => {
    expect(tests().map((t) => [t.title, t.status])).toEqual([
      ['resolves the service on the test transaction', 'passed'],
      ['signs a user up, and its mailer fails to close', 'failed'],
      ['runs after the failure, on a container of its own', 'passed'],
    ])
    // A single cleanup failure is reported as itself: the DisposeError naming the service.
    const at = resolvedAt('tsyringe-vitest', 'users.spec.mjs')
    expect(tests()[1]?.failureMessages.join('\n')).toMatch(
      new RegExp(
        `^DisposeError: Cleanup of "Mailer" \\(created at ${at}:\\d+\\) in scope "worker › file users\\.spec\\.mjs › test "signs a user up, and its mailer fails to close" › tsyringe container" failed: Error: SMTP connection already closed`,
      ),
    )
  })

  it('disposes each container dependents first, and never the transaction it was given', () => {
    expect(run.order).toEqual(expectedOrder)
  })
})

const jestBin = fileURLToPath(new URL('../../node_modules/jest/bin/jest.js', import.meta.url))

/** The parts of Jest's `--json` output the assertions read. */
interface JestResults {
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

describe('cleanroom/tsyringe under Jest (a module registry per file)', () => {
  let run: SuiteRun
  const tests = () =>
    (JSON.parse(run.stdout) as JestResults).testResults
      .flatMap((file) => file.assertionResults)
      .sort((a, b) => a.title.localeCompare(b.title))

  it('runs the suite and exits by itself, failing', async () => {
    run = await runSuite(
      'tsyringe-jest',
      ['node', jestBin, '--rootDir=.', '--json', '--no-watchman', '--cacheDirectory=.jest-cache'],
      { with: ['tsyringe-shared'], link },
    )
    expect(run.timedOut).toBe(false)
    expect(run.code).toBe(1)
  })

  it('fails only the test whose disposer failed, naming the service', () => {
    expect(tests().map((t) => [t.title, t.status])).toEqual([
      ['resolves the service on the test transaction', 'passed'],
      ['signs a user up, and its mailer fails to close', 'failed'],
    ])
    const at = resolvedAt('tsyringe-jest', 'signup.test.cjs')
    expect(tests()[1]?.failureMessages.join('\n')).toMatch(
      new RegExp(
        `DisposeError: Cleanup of "Mailer" \\(created at ${at}:\\d+\\) in scope "[^\\n]* › tsyringe container" failed: Error: SMTP connection already closed`,
      ),
    )
  })

  it('disposes each file’s containers dependents first, and never the transaction', () => {
    const of = (name: string) => run.order.filter((line) => line.endsWith(` ${name}`))
    expect(of('users')).toEqual(['UsersService users', 'UsersRepository users'])
    expect(of('signup')).toEqual([
      'SignupService signup',
      'UsersService signup',
      'UsersRepository signup',
    ])
    expect(run.order).toContain('Mailer')
    expect(run.order.filter((line) => line.startsWith('transaction'))).toEqual([])
  })
})
