// The example suite `npm run demo` runs under node:test, with cleanroom installed by one line:
//   node --test --import cleanroom/node-test/register
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request } from 'node:http'
import { test } from 'node:test'
import { defer, defineFixture, track, use } from 'cleanroom'
import { createUsersServer, createUsersStore, startSyncJob } from './users-app.mjs'

const say = (line) => console.log(`  teardown: ${line}`)

// One store and one server for the whole file, created on first use.
const store = defineFixture({ name: 'store', level: 'file', setup: () => createUsersStore() })
const api = defineFixture({
  name: 'api',
  level: 'file',
  deps: { store },
  setup: async ({ store }) => {
    const server = track(createUsersServer(store).listen(0, '127.0.0.1'))
    await once(server, 'listening')
    defer(() => say('the API server closes last, after every test that used it'))
    return `http://127.0.0.1:${server.address().port}`
  },
})

function call(url, method, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve(JSON.parse(text)))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

test('creates a user', async () => {
  const url = await use(api)
  // Newest first: the sync job (tracked after this defer) is cleared before this line prints.
  defer(() => say('"creates a user" is done; its sync job was cleared just before this line'))
  track(
    startSyncJob(await use(store), () => {}),
    { label: 'sync job' },
  )
  assert.deepEqual(await call(url, 'POST', { name: 'Ada' }), { id: 1, name: 'Ada' })
})

test('lists users', async () => {
  const url = await use(api)
  assert.deepEqual(await call(url, 'GET'), [{ id: 1, name: 'Ada' }])
})

test('writes an audit log whose cleanup fails', async () => {
  await use(api)
  defer(
    () => {
      throw new Error('the audit log could not be flushed')
    },
    { label: 'flush audit log' },
  )
})

test('forgets to stop its sync job', async () => {
  // Neither tracked nor cleared: cleanroom fails this test for it, names it, and clears it.
  startSyncJob(await use(store), () => {})
})

test('still runs after a failed teardown', async () => {
  const url = await use(api)
  assert.equal((await call(url, 'GET')).length, 1)
})
