// Adds up the Vitest JSON reports given as arguments and prints "N passed, N failed".
// A report that is missing counts as one failure: its run did not finish.
import { existsSync, readFileSync } from 'node:fs'

let passed = 0
let failed = 0
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}`)
    failed++
    continue
  }
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  if (report.numTotalTests === 0) {
    console.error(`${file}: no test ran`)
    failed++
  }
}
console.log(`${passed} passed, ${failed} failed`)
