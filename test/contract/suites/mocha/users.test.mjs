import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, get } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { defer, defineFixture, track, use } from 'cleanroom'
import shared from './shared.cjs'

const { log, registry } = shared

const server = defineFixture({
  name: 'server',
  level: 'file',
  deps: { registry },
  setup: async ({ registry }, scope) => {
    const http = track(createServer((_, response) => response.end('ok')).listen(0, '127.0.0.1'))
    await once(http, 'listening')
    registry.set('users', http.address().port)
    scope.defer(() => log('file fixture: users server closed'))
    return http
  },
})

const client = defineFixture({
  name: 'client',
  deps: { server },
  setup: ({ server }) => {
    defer(() => log('test fixture: client released'))
    return { url: `http://127.0.0.1:${server.address().port}/` }
  },
})

function fetchText(url) {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve(body))
    }).on('error', reject)
  })
}

// At the top level of a file, Mocha adds this hook to the root suite, for every test.
afterEach(function () {
  if (this.currentTest.title === 'uses fixtures across levels') log('top-level afterEach')
})

describe('users', function () {
  afterEach(function () {
    if (this.currentTest.title === 'uses fixtures across levels') log('describe afterEach')
  })

  it('uses fixtures across levels', async function () {
    const { url } = await use(client)
    assert.equal(await fetchText(url), 'ok')
    track(
      setInterval(() => {}, 1_000),
      { label: 'poller' },
    )
    defer(() => log('test: poller stopped first'))
  })

  it('a failing disposer fails its test', function () {
    defer(
      () => {
        throw new Error('could not drop the schema')
      },
      { label: 'drop schema' },
    )
  })

  it('still runs after the failing disposer', async function () {
    const { url } = await use(client)
    assert.equal(await fetchText(url), 'ok')
  })

  it('a hanging disposer times out', function () {
    defer(() => new Promise(() => {}), { label: 'stuck flush', timeout: 100 })
  })

  it('a slow disposer outlasts Mocha’s hook timeout', function () {
    defer(() => sleep(800), { label: 'slow flush' })
  })

  it('a test that fails keeps its own error', function () {
    defer(
      () => {
        throw new Error('cleanup failed as well')
      },
      { label: 'second failure' },
    )
    throw new Error('the assertion failed first')
  })

  it('runs last', async function () {
    assert.equal((await use(registry)).get('users'), (await use(server)).address().port)
  })
})
