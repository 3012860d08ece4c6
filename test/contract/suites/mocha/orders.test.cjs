const assert = require('node:assert/strict')
const { currentScope, defer, defineFixture, use } = require('cleanroom')
const { log, registry } = require('./shared.cjs')

const table = defineFixture({
  name: 'orders table',
  level: 'file',
  deps: { registry },
  setup: ({ registry }) => {
    defer(() => log('file fixture: orders table dropped'))
    const rows = []
    registry.set('orders', rows)
    return rows
  },
})

describe('orders', function () {
  before(function () {
    // Created in a `before` hook: it belongs to the file, and fails when the file ends.
    defer(
      () => {
        throw new Error('the archive refused the export')
      },
      { label: 'export archive' },
    )
  })

  it('puts an order', async function () {
    ;(await use(table)).push('order 1')
    assert.equal(currentScope().name, 'test "puts an order"')
  })
})

describe('more orders', function () {
  it('shares the file fixture with the other describe', async function () {
    assert.deepEqual(await use(table), ['order 1'])
  })
})
