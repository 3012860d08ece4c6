// Fixtures shared by the test files, as a project would keep them in a helper module.
const { appendFileSync } = require('node:fs')
const { basename } = require('node:path')
const { defer, defineFixture } = require('cleanroom')

/** Appends a line to $ORDER_LOG, tagged with the running test file. */
function log(line) {
  const file = basename(expect.getState().testPath, '.test.js')
  appendFileSync(process.env.ORDER_LOG, `${file}: ${line}\n`)
}

// Once per worker scope: under Jest, once per test file.
const registry = defineFixture({
  name: 'registry',
  level: 'worker',
  setup: () => {
    log('worker fixture: registry opened')
    defer(() => log('worker fixture: registry closed'))
    return new Map()
  },
})

module.exports = { log, registry }
