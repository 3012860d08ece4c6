// Shared by both test files: a worker fixture, and the order log the contract test reads.
const { appendFileSync } = require('node:fs')
const { defineFixture } = require('cleanroom')

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

const registry = defineFixture({
  name: 'registry',
  level: 'worker',
  setup: (_, scope) => {
    scope.defer(() => log('worker fixture: registry closed'))
    scope.defer(
      () => {
        throw new Error('the registry refused to close')
      },
      { label: 'close registry' },
    )
    return new Map()
  },
})

module.exports = { log, registry }
