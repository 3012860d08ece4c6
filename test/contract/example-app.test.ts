import { afterAll, describe, expect, it } from 'vitest'
import { contractRunners } from './runners.ts'

// The example app (docs/examples/users-app: tsyringe, knex on better-sqlite3, an HTTP API, a
// background job) and its one suite, run by each runner's CLI with the README's one-line
// install, in a fresh project that links the packages a user would install. Every test passes;
// with DEMO_MISTAKES=1 the leaking test fails, naming its interval, and the test that changes
// process.env passes with a warning naming the variable (charged to the file where the
// environment is Node's own, compared once per file in 'warn' mode; to the test under Jest).

const tests = [
  'registers a user',
  'starts from an empty table: the previous test was rolled back',
  'refuses a duplicate name',
  'serves users over HTTP',
  'syncs users in the background until the test ends',
  'exports users to a temporary directory',
]
const mistakes = ['forgets to stop its sync job', 'points the app at another API and leaves it so']

afterAll(() => {
  dispose()
})

const { runners, dispose } = contractRunners({
  suites: { nodeTest: 'users-app', vitest: 'users-app', jest: 'users-app', mocha: 'users-app' },
  nodeTestFiles: ['test/users.node-test.cjs'],
  jestConfig: '--config=jest.config.cjs',
  mochaFile: 'test/users.mocha.cjs',
  isTest: (name) => name !== 'users app',
  options: (env) => ({
    env,
    timeoutMs: 30_000,
    source: new URL('../../docs/examples/users-app/', import.meta.url),
    link: ['knex', 'better-sqlite3', 'tsyringe', 'reflect-metadata'],
  }),
})

describe.each(runners)('the example app under $title', (runner) => {
  it('passes every test, and warns about nothing', async () => {
    const run = await runner.run({})
    expect(run.timedOut, run.stderr).toBe(false)
    const results = runner.results(run)
    expect(results.tests).toEqual(tests.map((name) => [name, true]))
    expect(run.code, run.stderr).toBe(0)
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/LeakError|CleanupError|changed global state/)
  })

  it('fails the test that leaks, warns about the one that changes process.env, passes the rest', async () => {
    const run = await runner.run({ DEMO_MISTAKES: '1' })
    expect(run.timedOut, run.stderr).toBe(false)
    const results = runner.results(run)
    expect(results.tests).toEqual([
      ...tests.map((name) => [name, true]),
      [mistakes[0], false],
      [mistakes[1], true],
    ])
    expect(results.failure('forgets to stop its sync job')).toMatch(
      /test "(users app )?forgets to stop its sync job" left 1 resource running:\n\s+- setInterval\(syncUsers, 1000 ms\)/,
    )
    expect(`${run.stdout}${run.stderr}`).toMatch(
      runner.title.startsWith('Jest')
        ? /test "(users app )?points the app at another API and leaves it so" changed global state: set process\.env\.USERS_API_URL/
        : /file \S*users\.\S+ changed global state: set process\.env\.USERS_API_URL/,
    )
    expect(run.code).toBe(1)
  })
})
