import * as assert from 'uvu/assert'
import { defer, defineFixture, use } from 'cleanroom'
import { suite } from '../setup.mjs'
import { log, registry } from '../fixtures.mjs'

const accounts = defineFixture({
  name: 'accounts',
  level: 'file',
  deps: { registry },
  setup: ({ registry }) => {
    registry.set('accounts', new Set())
    defer(() => log('users: file fixture dropped'))
    return registry.get('accounts')
  },
})

// A test fixture: set up in each test that uses it, and torn down after it.
const session = defineFixture({
  name: 'session',
  deps: { accounts },
  setup: ({ accounts }) => {
    accounts.add('ada')
    defer(() => {
      accounts.delete('ada')
      log('users: session closed')
    })
    return { user: 'ada' }
  },
})

const users = suite('users')

users.after(() => log('users: own after hook'))

users('signs in', async () => {
  assert.is((await use(session)).user, 'ada')
})

users('starts with no one signed in', async () => {
  assert.equal([...(await use(accounts))], [])
  assert.is((await use(session)).user, 'ada')
})

users.run()
