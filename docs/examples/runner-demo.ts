// `npm run demo`, part two: the example app in docs/examples/users-app (a users service:
// tsyringe container, knex on better-sqlite3, an HTTP API, a background sync job) and its test
// suite, run under node:test with cleanroom installed by its one line, as a user runs it. Two
// tests make mistakes on purpose (DEMO_MISTAKES=1): one leaves its sync job's interval running,
// one changes process.env and leaves it so. cleanroom must fail the first, warn about the
// second, pass the rest, and tear everything down in order.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const app = fileURLToPath(new URL('users-app/', import.meta.url))
const logDir = mkdtempSync(join(tmpdir(), 'users-app-demo-'))
const log = join(logDir, 'teardown.log')
const command = [
  '--test',
  '--test-reporter=spec',
  '--import',
  'cleanroom/node-test/register',
  'test/users.node-test.cjs',
]

console.log(`\n$ DEMO_MISTAKES=1 node ${command.join(' ')}   (in docs/examples/users-app)\n`)
const run = spawnSync(process.execPath, command, {
  cwd: app,
  encoding: 'utf8',
  timeout: 60_000,
  env: { ...process.env, DEMO_MISTAKES: '1', USERS_APP_LOG: log },
})
const output = `${run.stdout}${run.stderr}`
process.stdout.write(output)

const teardown = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []
rmSync(logDir, { recursive: true, force: true })
// Each test's teardown ends with its transaction's rollback; the pool goes when the file ends.
const teardowns: string[][] = [[]]
for (const line of teardown) {
  teardowns.at(-1)?.push(line)
  if (line === 'transaction rolled back') teardowns.push([])
}
const file = teardowns.pop() ?? []
console.log('\nWhat the app noted as it was torn down, test by test, in order:')
for (const [i, lines] of teardowns.entries())
  console.log(`  ${String(i + 1)}. ${lines.join(' → ')}`)
console.log(`  file: ${file.join(' → ')}`)

// The run is meant to fail exactly one test (the leak) and warn about one (global state).
const expected = [
  /✔ registers a user/,
  /✔ starts from an empty table: the previous test was rolled back/,
  /✔ serves users over HTTP/,
  /✔ syncs users in the background until the test ends/,
  /✔ exports users to a temporary directory/,
  /✖ forgets to stop its sync job/,
  /test "forgets to stop its sync job" left 1 resource running:\n\s+- setInterval\(syncUsers, 1000 ms\)/,
  /test "points the app at another API and leaves it so" changed global state: set process\.env\.USERS_API_URL/,
  /ℹ fail 1/,
]
// The HTTP test's teardown, and the sync test's: what a test made last goes first.
const httpTeardown = [
  'HTTP API server closed',
  'UsersService disposed',
  'UsersRepository disposed',
  'transaction rolled back',
]
const missing = expected.filter((pattern) => !pattern.test(output))
const inOrder =
  teardowns.some((lines) => lines.join('\n') === httpTeardown.join('\n')) &&
  teardowns.some(
    (lines) => lines[0]?.startsWith('sync job stopped after') === true && lines.length > 1,
  ) &&
  file.join('\n') === 'knex pool destroyed'
if (run.status !== 1 || missing.length > 0 || !inOrder) {
  console.error(`\nThe example suite did not behave as designed (exit ${String(run.status)}):`)
  for (const pattern of missing) console.error(`  missing: ${String(pattern)}`)
  if (!inOrder) {
    console.error(
      `  teardown order: expected a test's teardown to be ${httpTeardown.join(' → ')}, the sync test's to begin with its job stopping, and the file's to destroy the pool`,
    )
  }
  process.exitCode = 1
} else {
  console.log(
    "\nAs designed: the test that left its sync job polling failed, naming the interval (which\nwas cleared); the test that changed process.env passed with a warning naming the variable\n(globals: 'restore' would also have put it back, 'fail' would have failed the test); every\nother test passed, each starting from an empty table; and each teardown ran in order:\nbackground job, HTTP server, services (dependents first), transaction, and the pool when\nthe file ended.",
  )
}
