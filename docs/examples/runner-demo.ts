// `npm run demo`, part two: the example app in docs/examples/users-app (a users service:
// tsyringe container, knex on better-sqlite3, an HTTP API, a background sync job) and its test
// suite, run under node:test with cleanroom installed by its one line, as a user runs it. Two
// tests make mistakes on purpose (DEMO_MISTAKES=1): one leaves its sync job's interval running,
// one changes process.env and leaves it so. cleanroom must fail the first, warn about the
// second, pass the rest, and tear everything down in order. The run writes per-test records
// (CLEANROOM_REPORT), and the demo ends with `cleanroom report` on them: its summary, and the
// path of its HTML report.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const app = fileURLToPath(new URL('users-app/', import.meta.url))
const cli = fileURLToPath(new URL('../../dist/cli.mjs', import.meta.url))
const logDir = mkdtempSync(join(tmpdir(), 'users-app-demo-'))
const log = join(logDir, 'teardown.log')
// Kept after the demo, for the HTML report to be opened.
const reportDir = mkdtempSync(join(tmpdir(), 'users-app-demo-report-'))
const records = join(reportDir, 'records')
const html = join(reportDir, 'report.html')
const command = [
  '--test',
  '--test-reporter=spec',
  '--import',
  'cleanroom/node-test/register',
  'test/users.node-test.cjs',
]

console.log(
  `\n$ DEMO_MISTAKES=1 CLEANROOM_REPORT=${records} node ${command.join(' ')}   (in docs/examples/users-app)\n`,
)
const run = spawnSync(process.execPath, command, {
  cwd: app,
  encoding: 'utf8',
  timeout: 60_000,
  env: { ...process.env, DEMO_MISTAKES: '1', USERS_APP_LOG: log, CLEANROOM_REPORT: records },
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

// The run's per-test records, merged: the summary, and the HTML report beside it.
console.log(`\n$ cleanroom report ${records} --html ${html}\n`)
const report = spawnSync(process.execPath, [cli, 'report', records, '--html', html], {
  encoding: 'utf8',
  timeout: 60_000,
})
process.stdout.write(report.stdout)
process.stderr.write(report.stderr)
// Every test of the suite has its record, the leak and the global-state change among them.
const summaryShows = [
  /8 tests \(7 passed, 1 failed\) in 1 file/,
  /leaks: 1 in 1 test · global state: 1 change/,
  /users app › forgets to stop its sync job\n\s+timer\s+setInterval\(syncUsers, 1000 ms\)/,
]
const unshown = summaryShows.filter((pattern) => !pattern.test(report.stdout))
if (report.status !== 0 || !existsSync(html) || unshown.length > 0) {
  console.error(
    `\ncleanroom report did not summarize the run's records as designed (exit ${String(report.status)}):`,
  )
  for (const pattern of unshown) console.error(`  missing: ${String(pattern)}`)
  process.exitCode = 1
} else {
  console.log(`\nThe HTML report: ${html}`)
}
