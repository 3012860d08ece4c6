import * as assert from 'uvu/assert'
import { currentScope, defer, defineFixture, track, use } from 'cleanroom'
import { test } from '../setup.mjs'
import { log, registry } from '../fixtures.mjs'

const orders = defineFixture({
  name: 'orders',
  level: 'file',
  deps: { registry },
  setup: ({ registry }) => {
    registry.set('orders', [])
    defer(() => {
      registry.delete('orders')
      log('orders: file fixture dropped')
    })
    return registry.get('orders')
  },
})

test('puts an order', async () => {
  const table = await use(orders)
  table.push('order 1')
  track(new AbortController(), { label: 'request' })
  defer(() => log('orders: request aborted'))
  assert.is(currentScope().name, 'test "puts an order"')
})

test('fails when its cleanup fails', async () => {
  await use(orders)
  defer(
    () => {
      throw new Error('the queue refused the ack')
    },
    { label: 'ack queue' },
  )
})

test('sees what the first test left in the file fixture', async () => {
  assert.equal(await use(orders), ['order 1'])
})

test('fails on its own, and its cleanup fails too', () => {
  defer(
    () => {
      throw new Error('the refund was not voided')
    },
    { label: 'refund' },
  )
  assert.is(1 + 1, 3, 'the arithmetic failed first')
})

test('still runs after both failures', () => {
  defer(() => log('orders: last test cleaned up'))
})

test.run()
