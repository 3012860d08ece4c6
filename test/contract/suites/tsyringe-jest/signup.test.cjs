const { createTestContainer } = require('cleanroom/tsyringe')
const { SignupService, fakeTransaction } = require('./app.cjs')

test('signs a user up, and its mailer fails to close', () => {
  const trx = fakeTransaction('signup')
  const container = createTestContainer(undefined, { overrides: [{ token: 'Db', useValue: trx }] })
  expect(container.resolve(SignupService).users.repository.db).toBe(trx)
})
