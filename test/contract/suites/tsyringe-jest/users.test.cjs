// A second file: Jest gives it its own module registry, so tsyringe, the app and
// cleanroom/tsyringe load again, and the test containers they make are recognised all the same.
const { createTestContainer } = require('cleanroom/tsyringe')
const { UsersService, fakeTransaction } = require('./app.cjs')

test('resolves the service on the test transaction', () => {
  const trx = fakeTransaction('users')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  expect(container.resolve(UsersService).repository.db).toBe(trx)
})
