import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import { test } from 'node:test'
import { currentScope, defer, defineFixture, track, use } from 'cleanroom'

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

const registry = defineFixture({
  name: 'registry',
  level: 'worker',
  setup: (_, scope) => {
    scope.defer(() => log('worker fixture: registry closed'))
    return new Map()
  },
})

const orders = defineFixture({
  name: 'orders',
  level: 'file',
  deps: { registry },
  setup: ({ registry }) => {
    defer(() => log('file fixture: orders table dropped'))
    registry.set('orders', [])
    return registry.get('orders')
  },
})

test('puts an order', async () => {
  const table = await use(orders)
  table.push('order 1')
  track(new AbortController(), { label: 'request' })
  defer(() => log('test: request aborted'))
  assert.equal(currentScope().name, 'test "puts an order"')
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
  assert.deepEqual(await use(orders), ['order 1'])
})
