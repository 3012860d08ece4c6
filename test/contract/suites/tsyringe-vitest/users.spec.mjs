import { createRequire } from 'node:module'
import { expect, test } from 'vitest'
import { createTestContainer } from 'cleanroom/tsyringe'

// The app is CommonJS, loaded as Node loads it.
const { SignupService, UsersService, fakeTransaction } = createRequire(import.meta.url)('./app.cjs')

let earlier

test('resolves the service on the test transaction', () => {
  const trx = fakeTransaction('first')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  const users = container.resolve(UsersService)
  expect(users.repository.db).toBe(trx)
})

test('signs a user up, and its mailer fails to close', () => {
  const trx = fakeTransaction('second')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  const signup = container.resolve(SignupService)
  expect(signup.users.repository.db).toBe(trx)
  earlier = container
})

test('runs after the failure, on a container of its own', () => {
  expect(() => earlier.resolve(UsersService)).toThrow(
    expect.objectContaining({ code: 'ERR_CLEANROOM_CONTAINER_DISPOSED' }),
  )
  const trx = fakeTransaction('third')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  expect(container.resolve(UsersService).repository.db).toBe(trx)
})
