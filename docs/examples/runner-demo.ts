// `npm run demo`, part two: the example suite in docs/examples/users-suite run under node:test
// with cleanroom installed by its one line, as a user runs it. One test's cleanup fails on
// purpose: cleanroom must fail that test, with the cleanup's label and line, and no other.
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

// The run is meant to fail exactly one test, the one whose cleanup throws.
const expected = [
  /✔ creates a user/,
  /✔ lists users/,
  /✖ writes an audit log whose cleanup fails/,
  /"flush audit log" \(created at users\.test\.mjs:\d+:\d+\): Error: the audit log could not be flushed/,
  /✔ still runs after a failed teardown/,
  /ℹ fail 1/,
]
const missing = expected.filter((pattern) => !pattern.test(output))
if (run.status !== 1 || missing.length > 0) {
  console.error(`\nThe example suite did not behave as designed (exit ${String(run.status)}):`)
  for (const pattern of missing) console.error(`  missing: ${String(pattern)}`)
  process.exitCode = 1
} else {
  console.log(
    '\nAs designed: the one test whose cleanup threw failed, with the cleanup named and located;\nthe tests after it ran, and every resource was released in order.',
  )
}
