// `npm run demo`, part two: the example suite in docs/examples/users-suite run under node:test
// with cleanroom installed by its one line, as a user runs it. One test's cleanup fails on
// purpose, and another leaves an interval running: cleanroom must fail those two, naming the
// cleanup and the interval, and no other.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const suite = fileURLToPath(new URL('users-suite/', import.meta.url))
const command = [
  '--test',
  '--test-reporter=spec',
  '--import',
  'cleanroom/node-test/register',
  'users.test.mjs',
]

console.log(`\n$ node ${command.join(' ')}   (in docs/examples/users-suite)\n`)
const run = spawnSync(process.execPath, command, { cwd: suite, encoding: 'utf8', timeout: 60_000 })
const output = `${run.stdout}${run.stderr}`
process.stdout.write(output)

// The run is meant to fail exactly two tests: the one whose cleanup throws, the one that leaks.
const expected = [
  /✔ creates a user/,
  /✔ lists users/,
  /✖ writes an audit log whose cleanup fails/,
  /"flush audit log" \(created at users\.test\.mjs:\d+:\d+\): Error: the audit log could not be flushed/,
  /✖ forgets to stop its sync job/,
  /test "forgets to stop its sync job" left 1 resource running:\n\s+- setInterval\(syncUsers, 1000 ms\)/,
  /✔ still runs after a failed teardown/,
  /ℹ fail 2/,
]
const missing = expected.filter((pattern) => !pattern.test(output))
if (run.status !== 1 || missing.length > 0) {
  console.error(`\nThe example suite did not behave as designed (exit ${String(run.status)}):`)
  for (const pattern of missing) console.error(`  missing: ${String(pattern)}`)
  process.exitCode = 1
} else {
  console.log(
    '\nAs designed: the test whose cleanup threw failed, with the cleanup named and located; the\ntest that left its sync job running failed, with the interval named (and cleared); the tests\nafter them ran, and every resource was released in order.',
  )
}
