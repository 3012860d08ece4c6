const assert = require('node:assert/strict')
const { test } = require('node:test')
const { createTestContainer } = require('cleanroom/tsyringe')
const { SignupService, UsersService, fakeTransaction } = require('./app.cjs')

let earlier

test('resolves the service on the test transaction', () => {
  const trx = fakeTransaction('first')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  const users = container.resolve(UsersService)
  assert.equal(users.repository.db, trx)
})

test('signs a user up, and its mailer fails to close', () => {
  const trx = fakeTransaction('second')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  const signup = container.resolve(SignupService)
  assert.equal(signup.users.repository.db, trx)
  earlier = container
})

test('runs after the failure, on a container of its own', () => {
  assert.throws(() => earlier.resolve(UsersService), { code: 'ERR_CLEANROOM_CONTAINER_DISPOSED' })
  const trx = fakeTransaction('third')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  assert.equal(container.resolve(UsersService).repository.db, trx)
})
