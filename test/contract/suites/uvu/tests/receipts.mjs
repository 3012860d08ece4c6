import * as assert from 'uvu/assert'
import { currentScope, defer, use } from 'cleanroom'
import { test } from '../setup.mjs'
import { log, registry } from '../fixtures.mjs'

// The same `test` as in orders.mjs, after its run(): its hooks are back.
test('prints a receipt in a scope of its own', async () => {
  assert.is(currentScope().name, 'test "prints a receipt in a scope of its own"')
  assert.not.ok((await use(registry)).has('orders'), 'the orders file fixture is gone')
  defer(() => log('receipts: printer released'))
})

test.run()
