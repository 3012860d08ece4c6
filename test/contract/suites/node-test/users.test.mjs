import assert from 'node:assert/strict'
import { once } from 'node:events'
import { appendFileSync } from 'node:fs'
import { createServer, get } from 'node:http'
import { describe, test } from 'node:test'
import { defer, defineFixture, track, use } from 'cleanroom'

const log = (line) => appendFileSync(process.env.ORDER_LOG, `${line}\n`)

const server = defineFixture({
  name: 'server',
  level: 'file',
  setup: async (_, scope) => {
    const http = track(createServer((_, response) => response.end('ok')).listen(0, '127.0.0.1'))
    await once(http, 'listening')
    scope.defer(() => log('file fixture: server closed'))
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

test('uses fixtures across levels', async () => {
  const { url } = await use(client)
  assert.equal(await fetchText(url), 'ok')
  track(
    setInterval(() => {}, 1_000),
    { label: 'poller' },
  )
  defer(() => log('test: poller stopped first'))
})

test('a failing disposer fails its test', () => {
  defer(
    () => {
      throw new Error('could not drop the schema')
    },
    { label: 'drop schema' },
  )
})

test('a hanging disposer times out', () => {
  defer(() => new Promise(() => {}), { label: 'stuck flush', timeout: 100 })
})

describe('a suite', () => {
  test('still runs after the failures', async () => {
    const { url } = await use(client)
    assert.equal(await fetchText(url), 'ok')
  })
})

test('a test that fails keeps its own error', () => {
  defer(
    () => {
      throw new Error('cleanup failed as well')
    },
    { label: 'second failure' },
  )
  throw new Error('the assertion failed first')
})
