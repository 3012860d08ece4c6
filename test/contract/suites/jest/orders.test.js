const { currentScope, defer, use } = require('cleanroom')
const { log, registry } = require('./fixtures')

log(`loaded in process ${process.pid}, child of ${process.ppid}`)

// The test file's own hooks run before cleanroom's teardown, and can use what it tracked.
afterEach(() => log('afterEach hook'))
afterAll(() => log('afterAll hook'))

test('gets a worker fixture of its own', async () => {
  const orders = await use(registry)
  // users.test.js put its server's port in its registry: this file has a registry of its own.
  expect(orders.has('server')).toBe(false)
  orders.set('order', 1)
  defer(() => log('test: order deleted'))
})

test('runs in a scope tree of its own', () => {
  expect(currentScope().name).toBe('test "runs in a scope tree of its own"')
  log(`resolved cleanroom to ${require.resolve('cleanroom')}`)
  log(`resolved cleanroom/jest/setup to ${require.resolve('cleanroom/jest/setup')}`)
})
